using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Pixelcut.TryOn.Errors
{
    /// <summary>
    /// The one table of outcomes: which answer is which failure, and what each failure is called,
    /// how bad it is, how it reads and what the user should do next.
    /// </summary>
    internal static class ErrorTable
    {
        internal sealed class Rule
        {
            internal Rule(ErrorCategory category, bool terminating, Func<Failure, string> describe, string recommendedAction,
                Func<string, Failure, Exception?, PixelcutApiException> create, Func<Failure, ErrorCategory>? categoryOf = null)
            {
                _categoryOf = categoryOf ?? (_ => category);
                Terminating = terminating;
                Describe = describe;
                RecommendedAction = recommendedAction;
                Create = create;
            }

            private readonly Func<Failure, ErrorCategory> _categoryOf;

            /// <summary>The category of one failure: the kind's own, or for the few kinds that depend on what happened, the one that fits.</summary>
            public ErrorCategory CategoryOf(Failure failure) => _categoryOf(failure);

            /// <summary>True when the failure dooms every later job too, so the command stops.</summary>
            public bool Terminating { get; }

            public Func<Failure, string> Describe { get; }
            public string RecommendedAction { get; }
            internal Func<string, Failure, Exception?, PixelcutApiException> Create { get; }
        }

        private static readonly Dictionary<ErrorKind, Rule> Rules = new Dictionary<ErrorKind, Rule>
        {
            [ErrorKind.InvalidJobId] = new Rule(ErrorCategory.InvalidArgument, false,
                f => $"'{Printable(f.JobId)}' is not a job id: {f.Detail}.",
                "Pass the job id exactly as Pixelcut returned it when the job was submitted.",
                (m, f, e) => new PixelcutConfigurationException(m, f, e)),
            [ErrorKind.InputWithoutJobId] = new Rule(ErrorCategory.InvalidArgument, false,
                f => $"The input object has no JobId, job_id or Id property ({f.Detail}), so nothing was sent for it.",
                "Pipe job id strings, or objects with a JobId, job_id or Id property (such as Import-Csv rows).",
                (m, f, e) => new PixelcutConfigurationException(m, f, e)),
            [ErrorKind.ApiKeyMissing] = new Rule(ErrorCategory.AuthenticationError, true,
                f => "No Pixelcut API key was given.",
                "Run Connect-Pixelcut -ApiKey (Read-Host -AsSecureString), pass -ApiKey, or set the PIXELCUT_API_KEY environment variable.",
                (m, f, e) => new PixelcutAuthenticationException(m, f, e)),
            [ErrorKind.ApiKeyMalformed] = new Rule(ErrorCategory.InvalidArgument, true,
                f => $"The API key {f.Detail}, so it cannot be sent in a request header. Nothing was sent.",
                "Copy the key again as Pixelcut shows it: one line of plain ASCII letters, digits and punctuation.",
                (m, f, e) => new PixelcutAuthenticationException(m, f, e)),
            [ErrorKind.InsecureBaseUri] = new Rule(ErrorCategory.SecurityError, true,
                f => $"The base URI '{f.Detail}' uses plain http, which would send the API key unencrypted.",
                "Use an https:// base URI; http:// is accepted only for loopback addresses.",
                (m, f, e) => new PixelcutConfigurationException(m, f, e)),
            [ErrorKind.InvalidSetting] = new Rule(ErrorCategory.InvalidArgument, true,
                f => $"{f.Detail}.",
                "Correct the parameter, or correct or remove the environment variable, named in the message.",
                (m, f, e) => new PixelcutConfigurationException(m, f, e)),
            [ErrorKind.InvalidAuthToken] = new Rule(ErrorCategory.AuthenticationError, true,
                f => $"Pixelcut rejected the API key ({StatusAndCode(f)}): {f.Detail}.",
                "Check the key given by -ApiKey, Connect-Pixelcut or PIXELCUT_API_KEY; create a new key in your Pixelcut account if it was revoked.",
                (m, f, e) => new PixelcutAuthenticationException(m, f, e)),
            [ErrorKind.InsufficientCredits] = new Rule(ErrorCategory.QuotaExceeded, true,
                f => $"The Pixelcut account has no API credits left ({StatusAndCode(f)}): {f.Detail}.",
                "Add credits to the Pixelcut account, then run the command again for the jobs that were not processed.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.AccessDenied] = new Rule(ErrorCategory.PermissionDenied, true,
                f => $"The request was refused before it reached the Pixelcut API's job logic ({StatusAndCode(f)}): {f.Detail}.",
                "A firewall, IP allow-list, gateway or the account refused access: check -BaseUri, then ask the network or Pixelcut account administrator to allow this machine.",
                (m, f, e) => new PixelcutAuthenticationException(m, f, e)),
            [ErrorKind.ProxyAuthenticationRequired] = new Rule(ErrorCategory.AuthenticationError, true,
                f => $"A proxy between this machine and Pixelcut asks for credentials ({StatusAndCode(f)}): {f.Detail}.",
                "Give the proxy's credentials with -ProxyCredential (or -ProxyUseDefaultCredentials), here or on Connect-Pixelcut, or ask the network administrator.",
                (m, f, e) => new PixelcutConnectionException(m, f, e)),
            // A certificate does not get better on the next job or attempt, and validation is never to be turned off.
            [ErrorKind.CertificateRejected] = new Rule(ErrorCategory.SecurityError, true,
                f => $"{Capitalized(f.Detail)}, so no request went out over that connection.",
                "Behind a TLS-inspecting proxy, have its root certificate trusted by the operating system (on Linux and macOS also " +
                "through SSL_CERT_FILE or SSL_CERT_DIR); else check -BaseUri, -Proxy and this machine's clock.",
                (m, f, e) => new PixelcutConnectionException(m, f, e)),
            [ErrorKind.JobNotFound] = new Rule(ErrorCategory.ObjectNotFound, false,
                f => $"Job '{Printable(f.JobId)}' was not found ({StatusAndCode(f)}): {f.Detail}.",
                "Check the job id; jobs submitted with another account's API key are not visible to this one.",
                (m, f, e) => new PixelcutJobNotFoundException(m, f, e)),
            [ErrorKind.JobFinished] = new Rule(ErrorCategory.InvalidOperation, false,
                f => $"Job '{Printable(f.JobId)}' has already finished ({f.Detail}) and cannot be cancelled ({StatusAndCode(f)}).",
                "Nothing to cancel: the job has already completed or failed. Get-PixelcutTryOnJob shows which.",
                (m, f, e) => new PixelcutJobFinishedException(m, f, e)),
            [ErrorKind.RateLimitExceeded] = new Rule(ErrorCategory.LimitsExceeded, false,
                f => $"Pixelcut rate-limited the request for {Of(f)} ({StatusAndCode(f)}) after {f.Attempts} attempt(s).",
                "Run the command again for this job, or lower -ThrottleLimit or PIXELCUT_REQUESTS_PER_SECOND.",
                (m, f, e) => new PixelcutRateLimitException(m, f, e)),
            [ErrorKind.ServerError] = new Rule(ErrorCategory.ResourceUnavailable, false,
                f => $"Pixelcut failed on {Of(f)} ({StatusAndCode(f)}) after {f.Attempts} attempt(s): {f.Detail}.",
                "Run the command again for this job later; Get-PixelcutTryOnJob shows whether it is still pending or running.",
                (m, f, e) => new PixelcutServerException(m, f, e)),
            [ErrorKind.UnexpectedResponse] = new Rule(ErrorCategory.InvalidResult, false,
                f => $"Pixelcut gave an answer the module cannot use for {Of(f)} ({StatusAndCode(f)}): {f.Detail}.",
                "Check that the base URI points at the Pixelcut API, then run the command again for this job.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.ConnectionFailed] = new Rule(ErrorCategory.ConnectionError, false,
                f => $"No answer from Pixelcut for {Of(f)} after {f.Attempts} attempt(s): {f.Detail}.",
                "Check network access to the base URI (proxy, firewall, DNS), then run the command again for this job.",
                (m, f, e) => new PixelcutConnectionException(m, f, e)),
            [ErrorKind.RequestTimedOut] = new Rule(ErrorCategory.OperationTimeout, false,
                f => $"Pixelcut did not answer in time for {Of(f)} after {f.Attempts} attempt(s): {f.Detail}.",
                "Run the command again for this job, or allow more time with -TimeoutSec.",
                (m, f, e) => new PixelcutConnectionException(m, f, e)),
            [ErrorKind.WaitTimedOut] = new Rule(ErrorCategory.OperationTimeout, false,
                f => $"Job '{Printable(f.JobId)}' did not finish in time: {f.Detail}.",
                "Wait again for this job with Wait-PixelcutTryOnJob, with a longer -TimeoutSec (0 waits without a limit), or cancel it with Stop-PixelcutTryOnJob.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.JobNotCompleted] = new Rule(ErrorCategory.InvalidOperation, false,
                f => $"Job '{Printable(f.JobId)}' has no result to save: it {f.Detail}.",
                "Save only completed jobs: wait for a pending or running job first, as in Get-PixelcutTryOnJob <id> | Wait-PixelcutTryOnJob | Save-PixelcutTryOnResult.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.ResultExpired] = new Rule(ErrorCategory.ResourceUnavailable, false,
                f => $"The result host refused the result of job '{Printable(f.JobId)}' ({f.StatusCode}), even through a fresh link: {f.Detail}.",
                "Run Save-PixelcutTryOnResult again for this job later; if it keeps failing, the result may be gone: quote the job id to Pixelcut support.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.DownloadFailed] = new Rule(ErrorCategory.ConnectionError, false,
                f => $"The result of job '{Printable(f.JobId)}' could not be downloaded{(f.Attempts > 0 ? $" after {f.Attempts} attempt(s)" : "")}: {f.Detail}.",
                "Check access to the result host (proxy, firewall, DNS, a sign-in page) and that the folder can be written, then run Save-PixelcutTryOnResult again for this job.",
                (m, f, e) => new PixelcutApiException(m, f, e),
                DownloadCategory),
            [ErrorKind.UnsafeFileName] = new Rule(ErrorCategory.InvalidArgument, false,
                f => $"Job id '{Printable(f.JobId)}' cannot be used as a file name: {f.Detail}. Nothing was downloaded for it.",
                "Download this job's ResultUrl yourself to a file name you choose, for example with Invoke-WebRequest -OutFile.",
                (m, f, e) => new PixelcutConfigurationException(m, f, e)),
            [ErrorKind.FileExists] = new Rule(ErrorCategory.ResourceExists, false,
                f => $"The result of job '{Printable(f.JobId)}' was not saved: {f.Detail}.",
                "Add -Force to replace a file that is there, or save into another folder with -Path.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.InvalidImage] = new Rule(ErrorCategory.InvalidArgument, false,
                f => $"The {f.Detail}, so {Of(f)} was not sent.",
                "Give each image as an absolute https:// URL (http:// only to this machine) or the path of a JPEG, PNG or WEBP file of at most 25 MB and 64 to 6000 px on each side.",
                (m, f, e) => new PixelcutConfigurationException(m, f, e)),
            [ErrorKind.InvalidRequest] = new Rule(ErrorCategory.InvalidArgument, false,
                f => $"Pixelcut refused {Of(f)} ({StatusAndCode(f)}): {f.Detail}. No job was created for it.",
                "Correct the row as the message says (an image the API cannot read, too large, or of too high a resolution; a garment mode it does not know), then submit that row again. A 413 comes from a proxy or gateway that takes smaller uploads: give the image as a URL, or ask for a larger limit.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
            [ErrorKind.SubmitOutcomeUnknown] = new Rule(ErrorCategory.ConnectionError, false,
                f => $"It is not known whether Pixelcut created a job for {Of(f)}: {f.Detail}. A job may have been created and charged; it was not submitted again.",
                "Check the Pixelcut dashboard and Get-PixelcutCredit before submitting this row again: a blind resubmit may create, and charge, a second job.",
                (m, f, e) => new PixelcutConnectionException(m, f, e),
                f => f.StatusCode == 504 || f.Cause is OperationCanceledException ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError),
            [ErrorKind.ResultWithoutJobId] = new Rule(ErrorCategory.InvalidResult, false,
                f => $"Pixelcut created and finished a job for {Of(f)} but answered with its result instead of a job id ({f.Detail}). It was not submitted again.",
                "Download the result from the exception's ResultUrl within the hour, for example with Invoke-WebRequest -OutFile; no job id exists to wait for or save.",
                (m, f, e) => new PixelcutApiException(m, f, e)),
        };

        public static Rule For(ErrorKind kind) => Rules[kind];

        /// <summary>
        /// What a failed submit means for the money: only an answer that proves no job was created may be sent again (a
        /// 429, a 500, which the API documents as a failure it did not charge for, a 503, or a connection that failed before
        /// the whole body went out). Anything else that leaves it open is SubmitOutcomeUnknown, never retried; a 400 or 413
        /// is a refusal of the row. A 500 cannot be told from a gateway's own, and is taken as the API's.
        /// </summary>
        /// <param name="mayHaveReachedServer">Whether any of the request's body may have left this machine.</param>
        public static Failure JudgeSubmit(Failure failure, bool mayHaveReachedServer)
        {
            if (For(failure.Kind).Terminating) return failure;
            var status = failure.StatusCode;
            // A 413 comes from a gateway in front of the API that takes smaller bodies: refused before any job was made.
            if (status == 400 || status == 413) return failure.As(ErrorKind.InvalidRequest);
            failure = NotAboutAJob(failure);
            if (status == 429 || status == 500 || status == 503) return failure;
            var unanswered = status == 0 && (failure.Kind == ErrorKind.ConnectionFailed || failure.Kind == ErrorKind.RequestTimedOut);
            if (unanswered && !mayHaveReachedServer) return failure;
            var undecided = unanswered || status >= 500 || (status >= 200 && status <= 299) || (status == 0 && failure.Kind == ErrorKind.UnexpectedResponse);
            return undecided ? failure.As(ErrorKind.SubmitOutcomeUnknown) : failure;
        }

        /// <summary>
        /// A failure from an endpoint that takes no job id: a job's own answers there (no such job, already finished) mean
        /// the address is not the API's.
        /// </summary>
        public static Failure NotAboutAJob(Failure failure) =>
            failure.Kind == ErrorKind.JobNotFound || failure.Kind == ErrorKind.JobFinished ? failure.As(ErrorKind.UnexpectedResponse) : failure;

        /// <summary>What a failure is about, as its message names it: its subject, else its job.</summary>
        private static string Of(Failure f) => f.Subject ?? $"job '{Printable(f.JobId)}'";

        /// <summary>
        /// What kind of trouble a failed download was: the result host did not give the picture (no whole answer came, or
        /// it kept answering 5xx or 429); the answer came but the file could not be written (a cause beside a status); or
        /// the answer or the link itself could not be used.
        /// </summary>
        internal static ErrorCategory DownloadCategory(Failure f) =>
            (f.StatusCode == 0 && f.Cause != null) || f.StatusCode >= 500 || f.StatusCode == 429 ? ErrorCategory.ConnectionError
            : f.Cause != null ? ErrorCategory.WriteError
            : ErrorCategory.InvalidResult;

        internal const string InsufficientCreditsCode = "insufficient_api_credits";

        /// <summary>Which failure an HTTP answer other than 2xx is, given the error_code its body carried.</summary>
        public static ErrorKind Classify(int statusCode, string? errorCode = null)
        {
            switch (statusCode)
            {
                case 401: return ErrorKind.InvalidAuthToken;
                // Only the API itself says "no credits"; a firewall, allow-list or gateway 403 is another thing.
                case 403: return errorCode == InsufficientCreditsCode ? ErrorKind.InsufficientCredits : ErrorKind.AccessDenied;
                case 407: return ErrorKind.ProxyAuthenticationRequired;
                case 404: return ErrorKind.JobNotFound;
                case 409: return ErrorKind.JobFinished;
                case 429: return ErrorKind.RateLimitExceeded;
                default: return statusCode >= 500 && statusCode <= 599 ? ErrorKind.ServerError : ErrorKind.UnexpectedResponse;
            }
        }

        /// <summary>
        /// Which failure a result host's answer other than 2xx or 3xx is. A 403 or 404 is what a result host says of a link
        /// past its time; 407 and 429 mean what they mean for the API; 5xx is the retry policy's to judge.
        /// </summary>
        public static ErrorKind ClassifyDownload(int statusCode)
        {
            switch (statusCode)
            {
                case 403:
                case 404:
                    return ErrorKind.ResultExpired;
                case 407:
                case 429:
                    return Classify(statusCode);
                default:
                    return statusCode >= 500 ? ErrorKind.ServerError : ErrorKind.DownloadFailed;
            }
        }

        public static PixelcutApiException ToException(Failure failure)
        {
            var rule = For(failure.Kind);
            return rule.Create(rule.Describe(failure), failure, failure.Cause);
        }

        private static string StatusAndCode(Failure f) =>
            string.IsNullOrEmpty(f.ErrorCode) ? f.StatusCode.ToString() : $"{f.StatusCode} {f.ErrorCode}";

        private static string Capitalized(string? text) => string.IsNullOrEmpty(text) ? string.Empty : char.ToUpperInvariant(text![0]) + text.Substring(1);

        /// <summary>An id as a message shows it: printable, and cut short when it is too long to read.</summary>
        private static string Printable(string? text)
        {
            var shown = SafeText.Printable(text);
            return shown.Length <= 100 ? shown : shown.Substring(0, 100) + "...";
        }
    }
}
