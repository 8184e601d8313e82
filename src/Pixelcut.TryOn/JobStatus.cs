namespace Pixelcut.TryOn
{
    /// <summary>
    /// The statuses the API documents, as <see cref="TryOnJob.Status"/> spells them. A status is kept as text, since a
    /// BETA API may add one: an unknown status reaches the user as the API sent it.
    /// </summary>
    internal static class JobStatus
    {
        public const string Pending = "Pending";
        public const string Running = "Running";
        public const string Completed = "Completed";
        public const string Failed = "Failed";

        /// <summary>In the order a job goes through them.</summary>
        public static readonly string[] Known = { Pending, Running, Completed, Failed };
    }
}
