using System;
using System.Collections.Generic;

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

        /// <summary>Reads a status body; null when it has no status at all.</summary>
        internal static TryOnJob? Read(string requestedJobId, IReadOnlyDictionary<string, object?> body)
        {
            var status = Api.JsonBody.GetString(body, "status");
            if (string.IsNullOrEmpty(status)) return null;
            var error = Api.JsonBody.GetObject(body, "error");
            return new TryOnJob(
                Api.JsonBody.GetString(body, "job_id") ?? requestedJobId,
                KnownStatus(status!),
                Api.JsonBody.GetString(body, "result_url"),
                Api.JsonBody.GetString(error, "error_code"),
                Api.JsonBody.GetString(error, "message"));
        }

        private static string KnownStatus(string status)
        {
            foreach (var known in new[] { "Pending", "Running", "Completed", "Failed" })
            {
                if (string.Equals(status, known, StringComparison.OrdinalIgnoreCase)) return known;
            }
            return status;
        }
    }
}
