using System;

namespace Pixelcut.TryOn
{
    /// <summary>A job the API confirmed as cancelled: the record a runbook keeps of what it did.</summary>
    public sealed class CancelledJob
    {
        internal CancelledJob(string jobId, string message, DateTime cancelledAt, int attempts, string? requestId)
        {
            JobId = jobId;
            Message = message;
            CancelledAt = cancelledAt;
            Attempts = attempts;
            RequestId = requestId;
        }

        public string JobId { get; }

        /// <summary>The server's confirmation, such as "Job cancelled".</summary>
        public string Message { get; }

        /// <summary>When the confirming answer arrived, in UTC.</summary>
        public DateTime CancelledAt { get; }

        /// <summary>Requests sent for the job, retries and a confirming status read included.</summary>
        public int Attempts { get; }

        /// <summary>The API's id for the confirming answer, when it sent one: what Pixelcut support asks for.</summary>
        public string? RequestId { get; }
    }
}
