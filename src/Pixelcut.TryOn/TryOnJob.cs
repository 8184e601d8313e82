using System;

namespace Pixelcut.TryOn
{
    /// <summary>A Try On job as the status endpoint described it at <see cref="RetrievedAt"/>.</summary>
    public sealed class TryOnJob
    {
        public const string CancelledErrorCode = "job_cancelled";

        /// <summary>How long a result link works after the status answer that gave it, as the API documents.</summary>
        public static readonly TimeSpan ResultUrlValidity = TimeSpan.FromHours(1);

        internal TryOnJob(string jobId, string status, string? resultUrl, string? errorCode, string? errorMessage, DateTime retrievedAt, string? requestId)
        {
            JobId = jobId;
            Status = status;
            ResultUrl = resultUrl;
            ErrorCode = errorCode;
            ErrorMessage = errorMessage;
            RetrievedAt = retrievedAt;
            RequestId = requestId;
        }

        public string JobId { get; }

        /// <summary>Pending, Running, Completed or Failed; a value this module does not know yet is kept as the API sent it.</summary>
        public string Status { get; }

        /// <summary>Where the finished picture can be downloaded, for one hour after <see cref="RetrievedAt"/>.</summary>
        public string? ResultUrl { get; }

        public string? ErrorCode { get; }
        public string? ErrorMessage { get; }

        /// <summary>When the status answer arrived, in UTC: the age of this record and of its ResultUrl.</summary>
        public DateTime RetrievedAt { get; }

        /// <summary>The API's id for the status answer, when it sent one.</summary>
        public string? RequestId { get; }

        /// <summary>The API has no cancelled status: a cancelled job reads as failed with job_cancelled.</summary>
        public bool IsCancelled => Status == JobStatus.Failed && ErrorCode == CancelledErrorCode;

        /// <summary>Completed or Failed: the status will not change again.</summary>
        public bool IsFinished => Status == JobStatus.Completed || Status == JobStatus.Failed;
    }
}
