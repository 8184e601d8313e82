namespace Pixelcut.TryOn
{
    /// <summary>A job the API confirmed as cancelled.</summary>
    public sealed class CancelledJob
    {
        internal const string DefaultMessage = "Job cancelled";

        public CancelledJob(string jobId, string message)
        {
            JobId = jobId;
            Message = message;
        }

        public string JobId { get; }

        /// <summary>The server's confirmation, such as "Job cancelled".</summary>
        public string Message { get; }

        /// <summary>Any 2xx to a cancel means the cancel took effect, whatever its body says or lacks.</summary>
        internal static CancelledJob Read(string jobId, Api.ApiAnswer answer)
        {
            var message = Api.JsonBody.GetString(answer.Json, "message");
            return new CancelledJob(jobId, string.IsNullOrWhiteSpace(message) ? DefaultMessage : message!);
        }
    }
}
