using System;

namespace Pixelcut.TryOn
{
    /// <summary>
    /// Base of every error this module raises, so one catch block can take them all.
    /// Subclasses exist only so that scripts can catch one outcome by type.
    /// </summary>
    public class PixelcutApiException : Exception
    {
        internal PixelcutApiException(string message, Failure failure, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = failure.Kind.ToString();
            StatusCode = failure.StatusCode;
            ErrorCode = failure.ErrorCode;
            JobId = failure.JobId;
            Attempts = failure.Attempts;
            RequestId = failure.RequestId;
            ResultUrl = failure.ResultUrl;
        }

        /// <summary>The module's stable error id, the first part of FullyQualifiedErrorId.</summary>
        public string ErrorId { get; }

        /// <summary>HTTP status of the last answer; 0 when no answer came.</summary>
        public int StatusCode { get; }

        /// <summary>The API's error_code, when its body carried one.</summary>
        public string? ErrorCode { get; }

        public string? JobId { get; }

        /// <summary>Requests made for this job before giving up.</summary>
        public int Attempts { get; }

        /// <summary>The API's id for the last answer (x-request-id, request-id or cf-ray), to quote to Pixelcut support.</summary>
        public string? RequestId { get; }

        /// <summary>For ResultWithoutJobId: the link to the finished picture, valid for an hour; null otherwise.</summary>
        public string? ResultUrl { get; }
    }

    public class PixelcutAuthenticationException : PixelcutApiException
    {
        internal PixelcutAuthenticationException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }

    public class PixelcutJobNotFoundException : PixelcutApiException
    {
        internal PixelcutJobNotFoundException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }

    public class PixelcutJobFinishedException : PixelcutApiException
    {
        internal PixelcutJobFinishedException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }

    public class PixelcutRateLimitException : PixelcutApiException
    {
        internal PixelcutRateLimitException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }

    public class PixelcutServerException : PixelcutApiException
    {
        internal PixelcutServerException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }

    public class PixelcutConnectionException : PixelcutApiException
    {
        internal PixelcutConnectionException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }

    /// <summary>Raised before any request: an id, key or base URI the module will not send.</summary>
    public class PixelcutConfigurationException : PixelcutApiException
    {
        internal PixelcutConfigurationException(string message, Failure failure, Exception? innerException = null)
            : base(message, failure, innerException) { }
    }
}
