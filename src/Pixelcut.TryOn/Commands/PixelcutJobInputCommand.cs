using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Session;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// What every command that takes job ids shares, however it works through them: binding, the key and base URI
    /// rules, which ids are refused before sending, the requester every request goes through, error records, and Ctrl+C.
    /// </summary>
    public abstract class PixelcutJobInputCommand : PixelcutCommand, IDisposable
    {
        // Only this module's cmdlets derive from it.
        private protected PixelcutJobInputCommand() { }

        /// <summary>The ids of the jobs; from the pipeline as strings or as objects with a JobId, job_id or Id property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "job_id")]
        [AllowEmptyString]
        [JobIdTransformation]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] JobId { get; set; } = Array.Empty<string>();

        /// <summary>The API key; else the Connect-Pixelcut session's, else PIXELCUT_API_KEY.</summary>
        [Parameter]
        [ApiKeyTransformation]
        public SecureString? ApiKey { get; set; }

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetryCount { get; set; } = RetryPolicy.DefaultMaxRetryCount;

        /// <summary>Cancelled by Ctrl+C, by leaving early, and by an error that ends the command.</summary>
        private protected CancellationTokenSource StopRequested { get; } = new CancellationTokenSource();

        /// <summary>This runspace's Connect-Pixelcut settings and looked-up jobs, read once per invocation.</summary>
        private protected PixelcutSession Session { get; private set; } = null!;

        private Uri _baseUri = ConnectionSettings.DefaultBaseUri;
        private ProxySetting _proxy = ProxySetting.System;

        protected override void BeginProcessing()
        {
            Session = PixelcutSession.Current;
            _baseUri = ConnectionSettings.ResolveBaseUri(this, BaseUri ?? Session.BaseUri);
            _proxy = GivenProxy(Session.Proxy) ?? Session.Proxy ?? ProxySetting.System;
        }

        protected override void StopProcessing() => StopRequested.Cancel();

        public void Dispose()
        {
            StopRequested.Cancel();
            OnDisposing();
        }

        /// <summary>Called when the command is disposed, finished or not, after every request was told to stop.</summary>
        private protected virtual void OnDisposing() { }

        /// <summary>Called before an error ends the command, while the warning stream is still open.</summary>
        private protected virtual void OnEndingEarly() { }

        /// <summary>Why an id from the input is not sent (a refused input, an id that is no path segment); null to send it.</summary>
        private protected static Failure? RefusalOf(string jobId) =>
            JobIdRefusal.Read(jobId) ?? (JobPath.Problem(jobId) is string problem ? new Failure(ErrorKind.InvalidJobId, jobId, detail: problem) : null);

        /// <summary>The requester for this command's requests, set up once the first job is really sent, so -WhatIf and bad ids need no key.</summary>
        /// <param name="throttleLimit">A hard cap on requests in flight; null to let them adapt to the API.</param>
        private protected JobRequester CreateRequester(int timeoutSec, int? throttleLimit)
        {
            var (key, keySource) = ConnectionSettings.ResolveApiKey(this, ApiKey, Session);
            Output.Debug($"API key from {keySource}; " + (throttleLimit.HasValue ? $"at most {throttleLimit} in flight." : "requests in flight adapt to the API."));
            return ConnectionSettings.CreateRequester(this, Output, key, _baseUri, _proxy, UserAgentText(), MaxRetryCount, timeoutSec, throttleLimit);
        }

        /// <summary>The proxy this command's requests travel through: -Proxy, else the session's, else the system's.</summary>
        private protected ProxySetting ResolvedProxy => _proxy;

        /// <summary>Runs a step of the command, turning a stop the user asked for into the pipeline's own stop.</summary>
        private protected void StopOnCancellation(Action work)
        {
            try
            {
                work();
            }
            catch (OperationCanceledException) when (StopRequested.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Writes a failure as its error record; one that dooms every later job ends the command.</summary>
        private protected void WriteFailure(Failure failure)
        {
            var record = ErrorRecords.For(failure);
            if (ErrorTable.For(failure.Kind).Terminating)
            {
                StopRequested.Cancel();
                OnEndingEarly();
                ThrowTerminatingError(record);
            }
            // Under -ErrorAction Stop this error ends the command, and once WriteError returns the pipeline is
            // stopping and the warning stream is closed: nothing more is sent, and whatever must still be said goes first.
            if (ErrorActionIsStop())
            {
                StopRequested.Cancel();
                OnEndingEarly();
            }
            WriteError(record);
        }

        private bool ErrorActionIsStop()
        {
            var preference = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound) ? bound : GetVariableValue("ErrorActionPreference");
            if (preference is PSObject wrapped) preference = wrapped.BaseObject;
            return preference is ActionPreference value
                ? value == ActionPreference.Stop
                : Enum.TryParse(Convert.ToString(preference, System.Globalization.CultureInfo.InvariantCulture), true, out value) && value == ActionPreference.Stop;
        }
    }
}
