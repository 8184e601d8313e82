using System;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>What Windows PowerShell 5.1 (.NET Framework) needs before the first request, decided once.</summary>
    internal static class Platform
    {
        private static int _prepared;

        public static bool IsNetFramework { get; } =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public static void PrepareOnce()
        {
            if (Interlocked.Exchange(ref _prepared, 1) == 1) return;
            var protocols = WithTls12(ServicePointManager.SecurityProtocol, IsNetFramework);
            if (protocols.HasValue) ServicePointManager.SecurityProtocol = protocols.Value;
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
