using System;
using System.Net;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// A proxy that is used for every request, loopback addresses included: one given with -Proxy is meant
    /// for all of them. (.NET Framework bypasses any proxy for loopback addresses before asking it.)
    /// </summary>
    internal sealed class ExplicitProxy : IWebProxy
    {
        private readonly Uri _address;

        public ExplicitProxy(Uri address, ICredentials? credentials)
        {
            _address = address;
            Credentials = credentials;
        }

        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => _address;

        public bool IsBypassed(Uri host) => false;
    }
}
