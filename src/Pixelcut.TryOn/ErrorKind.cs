namespace Pixelcut.TryOn
{
    /// <summary>Every failure the module reports; the name is the error id scripts match on.</summary>
    public enum ErrorKind
    {
        InvalidJobId,
        InputWithoutJobId,
        ApiKeyMissing,
        ApiKeyMalformed,
        InsecureBaseUri,
        InvalidSetting,
        InvalidAuthToken,
        InsufficientCredits,
        AccessDenied,
        ProxyAuthenticationRequired,
        CertificateRejected,
        JobNotFound,
        JobFinished,
        RateLimitExceeded,
        ServerError,
        UnexpectedResponse,
        ConnectionFailed,
        RequestTimedOut,
        WaitTimedOut,
        JobNotCompleted,
        ResultExpired,
        DownloadFailed,
        UnsafeFileName,
        FileExists,
        InvalidImage,
        InvalidRequest,
        SubmitOutcomeUnknown,
        ResultWithoutJobId,
    }
}
