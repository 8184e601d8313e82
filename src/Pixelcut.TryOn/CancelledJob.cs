namespace Pixelcut.TryOn
{
    /// <summary>A job the API confirmed as cancelled.</summary>
    public sealed class CancelledJob
    {
        public CancelledJob(string jobId, string message)
        {
            JobId = jobId;
            Message = message;
        }

        public string JobId { get; }

        /// <summary>The server's confirmation, such as "Job cancelled".</summary>
        public string Message { get; }
    }
}
