using System.Management.Automation;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Builds every error record the module writes, from the one error table.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord For(Failure failure)
        {
            var rule = ErrorTable.For(failure.Kind);
            var exception = ErrorTable.ToException(failure);
            return new ErrorRecord(exception, failure.Kind.ToString(), rule.CategoryOf(failure), failure.JobId)
            {
                ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = rule.RecommendedAction },
            };
        }
    }
}
