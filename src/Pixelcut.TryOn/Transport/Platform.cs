using System;
using System.Net;
using System.Runtime.InteropServices;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>What Windows PowerShell 5.1 (.NET Framework) needs before the first request, decided once.</summary>
    internal static class Platform
    {
        private static readonly object Gate = new object();
        private static bool _prepared;

        public static bool IsNetFramework { get; } =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        /// <summary>Runs before any request; a second caller waits until the first has finished, so none sends unprepared.</summary>
        public static void PrepareOnce()
        {
            lock (Gate)
            {
                if (_prepared) return;
                var protocols = WithTls12(ServicePointManager.SecurityProtocol, IsNetFramework);
                if (protocols.HasValue) ServicePointManager.SecurityProtocol = protocols.Value;
                _prepared = true;
            }
        }

        /// <summary>
        /// The protocols to set so that TLS 1.2 is allowed, or null to leave them as they are. Only .NET Framework
        /// can lack it, and only when a list is set: 0 (SystemDefault) lets the OS choose, TLS 1.3 included, and
        /// OR-ing TLS 1.2 into it would pin TLS 1.2 alone. What is already allowed stays allowed.
        /// </summary>
        internal static SecurityProtocolType? WithTls12(SecurityProtocolType current, bool isNetFramework)
        {
            if (!isNetFramework || current == 0 || (current & SecurityProtocolType.Tls12) != 0) return null;
            return current | SecurityProtocolType.Tls12;
        }
    }
}
