using System.Management.Automation;
using Pixelcut.TryOn.Operations;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Reads the status of Try On jobs.</summary>
    [Cmdlet(VerbsCommon.Get, "PixelcutTryOnJob")]
    [OutputType(typeof(TryOnJob))]
    public sealed class GetPixelcutTryOnJobCommand : PixelcutJobCommand<TryOnJob>
    {
        public GetPixelcutTryOnJobCommand() : base("Read Try On job status") { }

        internal override JobWork<TryOnJob> WorkFor(string jobId) =>
            (requester, sending, cancellation) => JobOperations.GetAsync(requester, jobId, sending, continuesJob: false, cancellation);

        private protected override void WriteSuccess(TryOnJob result)
        {
            Session.RecentJobs.Remember(result);
            WriteObject(result);
        }
    }
}
