using System;
using System.Management.Automation;
using Pixelcut.TryOn.Dispatch;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>A command that does one piece of work per job id: cancel, read, save.</summary>
    public abstract class PixelcutJobCommand<TResult> : PixelcutBatchCommand<TResult> where TResult : class
    {
        /// <inheritdoc cref="PixelcutBatchCommand{TResult}(string, EarlyStopAccount)"/>
        // Only this module's cmdlets derive from it.
        private protected PixelcutJobCommand(string action, EarlyStopAccount? account = null) : base(action, account) { }

        /// <summary>The ids of the jobs; from the pipeline as strings or as objects with a JobId, job_id or Id property.</summary>
        // Wait-PixelcutTryOnJob binds its JobId the same way.
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "job_id")]
        [AllowEmptyString]
        [JobIdTransformation]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] JobId { get; set; } = Array.Empty<string>();

        /// <summary>The command's work for one job that was admitted.</summary>
        internal abstract JobWork<TResult> WorkFor(string jobId);

        /// <summary>
        /// Whether to do the work for a job: by default what ShouldProcess says of the job. A command with reasons of its own
        /// to refuse a job sets <paramref name="refusal"/>; one that acts on something other than the job asks about that.
        /// </summary>
        /// <returns>True to send; false to skip the job, reporting <paramref name="refusal"/> when there is one.</returns>
        private protected virtual bool Admit(string jobId, out Failure? refusal)
        {
            refusal = null;
            return ShouldProcess(jobId, Action);
        }

        protected override void ProcessRecord() => StopOnCancellation(() =>
        {
            Expect(JobId.Length);
            foreach (var jobId in JobId)
            {
                var refusal = RefusalOf(jobId);
                if (refusal == null && Admit(jobId, out refusal)) Dispatch(jobId, null, WorkFor(jobId));
                else if (refusal != null) WriteInOrder(refusal, null);
            }
        });
    }
}
