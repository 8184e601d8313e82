using System;
using System.Management.Automation;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Operations;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Reads the account's credit balance, so a runbook can check it before a batch.</summary>
    [Cmdlet(VerbsCommon.Get, "PixelcutCredit")]
    [OutputType(typeof(PixelcutCredit))]
    public sealed class GetPixelcutCreditCommand : PixelcutRequestCommand
    {
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = ConnectionSettings.DefaultTimeoutSec;

        protected override void EndProcessing() => StopOnCancellation(() =>
        {
            var requester = CreateRequester(TimeoutSec, throttleLimit: null);
            var result = JobOperations.GetCreditAsync(requester, StopRequested.Token).GetAwaiter().GetResult();
            Output.Trace(result.Trace);
            if (result.Value != null) WriteObject(result.Value);
            else WriteFailure(result.Failure!);
        });
    }
}
