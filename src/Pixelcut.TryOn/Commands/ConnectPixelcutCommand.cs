using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Session;
using Pixelcut.TryOn.Settings;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Sets the API key, and optionally the base URI and proxy, for every Pixelcut command in this runspace.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Pixelcut")]
    public sealed class ConnectPixelcutCommand : PixelcutCommand, IDisposable
    {
        /// <summary>A job id no account has: its lookup costs nothing and a 404 proves the key was accepted.</summary>
        internal const string KeyCheckJobId = "pixelcut-tryon-key-check";

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        // Not mandatory: a missing mandatory parameter would prompt, and a runbook must never wait on a prompt.
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ApiKeyTransformation]
        public SecureString? ApiKey { get; set; }

        [Parameter]
        public SwitchParameter Validate { get; set; }

        protected override void ProcessRecord()
        {
            if (ApiKey == null) this.Fail(new Failure(ErrorKind.ApiKeyMissing, null));
            var key = this.Settle(ConnectionSettings.CheckedKey(Settings.ApiKey.Trimmed(ApiKey!), "Connect-Pixelcut -ApiKey"));
            var baseUri = BaseUri == null ? null : this.Settle(ConnectionSettings.CheckedBaseUri(BaseUri));
            var proxy = GivenProxy(null);
            if (Validate) CheckKey(key, this.Settle(ConnectionSettings.ResolveBaseUri(baseUri)), proxy ?? ProxySetting.System);
            PixelcutSession.Current.Connect(key, baseUri, proxy);
            var uses = "this API key" + (baseUri == null ? "" : $", {baseUri}") + (proxy == null ? "" : $", proxy {ConnectionSettings.Describe(proxy)}");
            Output.Verbose($"Pixelcut commands in this runspace now use {uses}.");
        }

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose() => _stop.Dispose();

        private void CheckKey(ApiKey key, Uri baseUri, ProxySetting proxy)
        {
            var requester = CreateRequester(key, baseUri, proxy, RetryPolicy.DefaultMaxRetryCount, ConnectionSettings.DefaultTimeoutSec, throttleLimit: null);
            JobResult<TryOnJob> result;
            try
            {
                result = JobOperations.GetAsync(requester, KeyCheckJobId, null, continuesJob: false, _stop.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            Output.Trace(result.Trace);
            var accepted = result.Value != null || result.Failure?.Kind == ErrorKind.JobNotFound;
            if (!accepted) this.Fail(result.Failure!);
        }
    }
}
