namespace Pixelcut.TryOn
{
    /// <summary>A Try On job as the status endpoint describes it.</summary>
    public sealed class TryOnJob
    {
        public const string CancelledErrorCode = "job_cancelled";

        public TryOnJob(string jobId, string status, string? resultUrl, string? errorCode, string? errorMessage)
        {
            JobId = jobId;
            Status = status;
            ResultUrl = resultUrl;
            ErrorCode = errorCode;
            ErrorMessage = errorMessage;
        }

        public string JobId { get; }

        /// <summary>Pending, Running, Completed or Failed; a value this module does not know yet is kept as the API sent it.</summary>
        public string Status { get; }

        public string? ResultUrl { get; }
        public string? ErrorCode { get; }
        public string? ErrorMessage { get; }

        /// <summary>The API has no cancelled status: a cancelled job reads as failed with job_cancelled.</summary>
        public bool IsCancelled => Status == "Failed" && ErrorCode == CancelledErrorCode;
    }
}
