using System;
using System.Management.Automation;
using System.Security;
using System.Threading;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Transport;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Session;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Sets the API key, and optionally the base URI, for every Pixelcut command in this runspace.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Pixelcut")]
    public sealed class ConnectPixelcutCommand : PSCmdlet, IDisposable
    {
        /// <summary>A job id no account has: its lookup costs nothing and a 404 proves the key was accepted.</summary>
        internal const string KeyCheckJobId = "pixelcut-tryon-key-check";

        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        // Not mandatory: a missing mandatory parameter would prompt, and a runbook must never wait on a prompt.
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ApiKeyTransformation]
        public SecureString? ApiKey { get; set; }

        [Parameter]
        public Uri? BaseUri { get; set; }

        [Parameter]
        public SwitchParameter Validate { get; set; }

        protected override void ProcessRecord()
        {
            if (ApiKey == null) ConnectionSettings.ThrowFatal(this, new Failure(ErrorKind.ApiKeyMissing, null));
            var key = ConnectionSettings.CheckedKey(this, Transport.ApiKey.Trimmed(ApiKey!), "Connect-Pixelcut -ApiKey");
            var baseUri = BaseUri == null ? null : ConnectionSettings.CheckedBaseUri(this, BaseUri);
            if (Validate) CheckKey(key, ConnectionSettings.ResolveBaseUri(this, baseUri));
            PixelcutSession.Current.Connect(key, baseUri);
            WriteVerbose(baseUri == null
                ? "Pixelcut commands in this runspace now use this API key."
                : $"Pixelcut commands in this runspace now use this API key and {baseUri}.");
        }

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose() => _stop.Dispose();

        private void CheckKey(ApiKey key, Uri baseUri)
        {
            var requester = ConnectionSettings.CreateRequester(this, key, baseUri, RetryPolicy.DefaultMaxRetryCount,
                ConnectionSettings.DefaultTimeoutSec);
            JobResult<TryOnJob> result;
            try
            {
                result = JobOperations.GetAsync(requester, KeyCheckJobId, null, _stop.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            foreach (var line in result.Trace) WriteVerbose(line);
            var accepted = result.Value != null || result.Failure?.Kind == ErrorKind.JobNotFound;
            if (!accepted) ConnectionSettings.ThrowFatal(this, result.Failure!);
        }
    }
}
