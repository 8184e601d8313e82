using System.Management.Automation;
using Pixelcut.TryOn.Dispatch;
using Pixelcut.TryOn.Operations;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Cancels pending or running Try On jobs.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "PixelcutTryOnJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CancelledJob))]
    public sealed class StopPixelcutTryOnJobCommand : PixelcutJobCommand<CancelledJob>
    {
        public StopPixelcutTryOnJobCommand()
            : base("Cancel Try On job", new EarlyStopAccount("cancelled", "Get-PixelcutTryOnJob shows their status.")) { }

        /// <summary>Writes a CancelledJob for each job cancelled; without it a success writes nothing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal override JobWork<CancelledJob> WorkFor(string jobId) =>
            (requester, sending, cancellation) => JobOperations.CancelAsync(requester, jobId, sending, cancellation);

        private protected override void WriteSuccess(CancelledJob result)
        {
            if (PassThru) WriteObject(result);
        }
    }
}
