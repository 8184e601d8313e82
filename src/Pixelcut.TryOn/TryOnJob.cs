using System;

namespace Pixelcut.TryOn
{
    /// <summary>
    /// A Try On job as the status endpoint described it at <see cref="RetrievedAt"/>, or as the submit that created it
    /// answered, with what was submitted.
    /// </summary>
    public sealed class TryOnJob
    {
        public const string CancelledErrorCode = "job_cancelled";

        /// <summary>How long a result link works after the status answer that gave it, as the API documents.</summary>
        public static readonly TimeSpan ResultUrlValidity = TimeSpan.FromHours(1);

        internal TryOnJob(string jobId, string status, string? resultUrl, string? errorCode, string? errorMessage, DateTime retrievedAt, string? requestId,
            Submitted? submitted = null)
        {
            JobId = jobId;
            Status = status;
            ResultUrl = resultUrl;
            ErrorCode = errorCode;
            ErrorMessage = errorMessage;
            RetrievedAt = retrievedAt;
            RequestId = requestId;
            if (submitted == null) return;
            SubmittedAt = retrievedAt;
            Attempts = submitted.Attempts;
            PersonImage = submitted.PersonImage;
            GarmentImage = submitted.GarmentImage;
            GarmentMode = submitted.GarmentMode;
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

        /// <summary>When the answer to the submit that created the job arrived, in UTC; null for a record read from the status.</summary>
        public DateTime? SubmittedAt { get; }

        /// <summary>Requests the submit took (retries of a 429, 500 or 503 included); null for a record read from the status.</summary>
        public int? Attempts { get; }

        /// <summary>The person image as submitted: a file's full path, or a URL without its query (which may be a signed grant).</summary>
        public string? PersonImage { get; }

        /// <summary>The garment image as submitted, shown as <see cref="PersonImage"/> is.</summary>
        public string? GarmentImage { get; }

        /// <summary>Auto, Full, Upper or Lower, as submitted.</summary>
        public string? GarmentMode { get; }

        /// <summary>The API has no cancelled status: a cancelled job reads as failed with job_cancelled.</summary>
        public bool IsCancelled => Status == JobStatus.Failed && ErrorCode == CancelledErrorCode;

        /// <summary>Completed or Failed: the status will not change again.</summary>
        public bool IsFinished => Status == JobStatus.Completed || Status == JobStatus.Failed;

        /// <summary>What a submit sent and took, for the record of the job it created.</summary>
        internal sealed class Submitted
        {
            public Submitted(string personImage, string garmentImage, string garmentMode, int attempts)
            {
                PersonImage = personImage;
                GarmentImage = garmentImage;
                GarmentMode = garmentMode;
                Attempts = attempts;
            }

            public string PersonImage { get; }
            public string GarmentImage { get; }
            public string GarmentMode { get; }
            public int Attempts { get; }
        }
    }
}
