using System.Collections.Generic;

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

        internal static CancelledJob? Read(string jobId, IReadOnlyDictionary<string, object?> body)
        {
            var message = Api.JsonBody.GetString(body, "message");
            return message == null ? null : new CancelledJob(jobId, message);
        }
    }
}
