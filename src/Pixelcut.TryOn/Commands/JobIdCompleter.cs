using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Pixelcut.TryOn.Session;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Completes -JobId with the ids this session has already looked up, newest first, their status as the tooltip.</summary>
    internal sealed class JobIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return PixelcutSession.Current.RecentJobs.StartingWith(prefix).Select(job =>
                new CompletionResult(Quoted(job.JobId), job.JobId, CompletionResultType.ParameterValue, Tooltip(job)));
        }

        private static string Tooltip(TryOnJob job) =>
            job.ErrorCode == null ? $"{job.JobId}: {job.Status}" : $"{job.JobId}: {job.Status} ({job.ErrorCode})";

        /// <summary>Ids are opaque: quote any that is not plain letters, digits, '-' and '_', so it reaches the command as typed.</summary>
        private static string Quoted(string jobId) =>
            jobId.Length > 0 && jobId.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_')
                ? jobId
                : "'" + jobId.Replace("'", "''") + "'";
    }
}
