using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Cancels pending or running Try On jobs.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "PixelcutTryOnJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CancelledJob))]
    public sealed class StopPixelcutTryOnJobCommand : PixelcutJobCommand<CancelledJob>
    {
        /// <summary>Writes a CancelledJob for each job cancelled; without it a success writes nothing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override string Action => "Cancel Try On job";

        protected override string? EffectOnJob => "cancelled";

        internal override Task<JobResult<CancelledJob>> RunAsync(JobRequester requester, string jobId, TryOnJob? pipedJob, Action sending,
            CancellationToken cancellation) =>
            JobOperations.CancelAsync(requester, jobId, sending, cancellation);

        protected override void WriteSuccess(CancelledJob result)
        {
            if (PassThru) WriteObject(result);
        }
    }
}
