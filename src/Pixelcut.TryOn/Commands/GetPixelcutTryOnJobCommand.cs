using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Resilience;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Reads the status of Try On jobs.</summary>
    [Cmdlet(VerbsCommon.Get, "PixelcutTryOnJob")]
    [OutputType(typeof(TryOnJob))]
    public sealed class GetPixelcutTryOnJobCommand : PixelcutJobCommand<TryOnJob>
    {
        protected override string Action => "Read Try On job status";

        internal override Task<JobResult<TryOnJob>> RunAsync(JobRequester requester, string jobId, TryOnJob? pipedJob, Action sending,
            CancellationToken cancellation) =>
            JobOperations.GetAsync(requester, jobId, sending, continuesJob: false, cancellation);

        protected override void WriteSuccess(TryOnJob result)
        {
            Session.RecentJobs.Remember(result);
            WriteObject(result);
        }
    }
}
