using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Session;
using Pixelcut.TryOn.Settings;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// What every command that sends work to the API shares, however it works through it: the key and base URI rules,
    /// which job ids are refused before sending, the requester every request goes through, error records, and how the
    /// command stops (Ctrl+C, an error that ends it, or leaving early).
    /// </summary>
    public abstract class PixelcutRequestCommand : PixelcutCommand, IDisposable
    {
        private Uri _baseUri = ConnectionSettings.DefaultBaseUri;
        private ProxySetting _proxy = ProxySetting.System;
        private bool _stopped;

        // Only this module's cmdlets derive from it.
        private protected PixelcutRequestCommand() { }

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

        protected override void BeginProcessing()
        {
            Session = PixelcutSession.Current;
            _baseUri = this.Settle(ConnectionSettings.ResolveBaseUri(BaseUri ?? Session.BaseUri));
            _proxy = GivenProxy(Session.Proxy) ?? Session.Proxy ?? ProxySetting.System;
        }

        protected override void StopProcessing() => StopRequested.Cancel();

        public void Dispose() => Stop(warning => Host?.UI?.WriteWarningLine(warning));

        /// <summary>
        /// The one stopping hook, called once, after every request was told to stop: before an error ends the command
        /// (its warning stream still open), or when the command is disposed, finished or not (then only the host can
        /// show a warning). <paramref name="warn"/> writes a warning where it can still be seen.
        /// </summary>
        private protected virtual void OnStopping(Action<string> warn) { }

        /// <summary>Why an id from the input is not sent (a refused input, an id that is no path segment); null to send it.</summary>
        private protected static Failure? RefusalOf(string jobId) =>
            JobIdRefusal.Read(jobId) ?? (JobPath.Problem(jobId) is string problem ? new Failure(ErrorKind.InvalidJobId, jobId, detail: problem) : null);

        /// <summary>The requester for this command's requests, set up once the first job is really sent, so -WhatIf and bad ids need no key.</summary>
        /// <param name="throttleLimit">A hard cap on requests in flight; null to let them adapt to the API.</param>
        private protected JobRequester CreateRequester(int timeoutSec, int? throttleLimit)
        {
            var (key, keySource) = this.Settle(ConnectionSettings.ResolveApiKey(ApiKey, Session.ApiKey));
            Output.Debug($"API key from {keySource}; " + (throttleLimit.HasValue ? $"at most {throttleLimit} in flight." : "requests in flight adapt to the API."));
            return CreateRequester(key, _baseUri, _proxy, MaxRetryCount, timeoutSec, throttleLimit);
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
        /// <param name="target">The record's TargetObject: the input the failure is about; the failure's job id by default.</param>
        private protected void WriteFailure(Failure failure, object? target = null)
        {
            // Under -ErrorAction Stop this error ends the command, and once WriteError returns the pipeline is
            // stopping and the warning stream is closed: nothing more is sent, and whatever must still be said goes first.
            var terminating = ErrorTable.For(failure.Kind).Terminating;
            if (terminating || ErrorActionIsStop()) Stop(Output.Warning);
            if (terminating) this.Fail(failure, target);
            else WriteError(ErrorRecords.For(failure, target));
        }

        private void Stop(Action<string> warn)
        {
            StopRequested.Cancel();
            if (_stopped) return;
            _stopped = true;
            OnStopping(warn);
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
