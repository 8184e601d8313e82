using System.Management.Automation;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Builds every error record the module writes, from the one error table, and raises the terminating ones.</summary>
    internal static class ErrorRecords
    {
        /// <param name="target">The record's TargetObject: the input the failure is about; the failure's job id by default.</param>
        public static ErrorRecord For(Failure failure, object? target = null)
        {
            var rule = ErrorTable.For(failure.Kind);
            var exception = ErrorTable.ToException(failure);
            return new ErrorRecord(exception, failure.Kind.ToString(), rule.CategoryOf(failure), target ?? failure.JobId)
            {
                ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = rule.RecommendedAction },
            };
        }

        /// <summary>Ends the command with the failure's error record: the one way every command raises a terminating error.</summary>
        public static void Fail(this Cmdlet cmdlet, Failure failure, object? target = null) => cmdlet.ThrowTerminatingError(For(failure, target));

        /// <summary>The resolved value, or the end of the command with the failure that refused it.</summary>
        public static T Settle<T>(this Cmdlet cmdlet, Resolved<T> resolved)
        {
            if (resolved.Failure != null) cmdlet.Fail(resolved.Failure);
            return resolved.Value;
        }
    }
}
