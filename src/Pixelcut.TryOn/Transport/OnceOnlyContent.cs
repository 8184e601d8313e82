using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Pixelcut.TryOn.Transport
{
    /// <summary>
    /// A request body that can go out once only. A submit that went out twice is two jobs and two charges, and a runtime
    /// may resend a request on its own (a reused connection closed under it, a proxy's challenge): whatever the runtime, a
    /// second send of this body fails instead of reaching the server. It also says whether all of it went out: a server
    /// cannot act on a request whose body it never had whole, so a connection that failed before then failed before the
    /// request. And it counts the bytes for progress.
    /// </summary>
    internal sealed class OnceOnlyContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action<int>? _uploaded;
        private int _sends;
        private int _whole;

        /// <param name="uploaded">Told of each chunk of the body as it is written, for progress.</param>
        public OnceOnlyContent(HttpContent inner, Action<int>? uploaded)
        {
            _inner = inner;
            _uploaded = uploaded;
            foreach (var header in inner.Headers)
            {
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)) Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        /// <summary>Whether the runtime began to write the body.</summary>
        public bool Started => Volatile.Read(ref _sends) > 0;

        /// <summary>Whether the whole body was written: from then on the server may have the whole request and act on it.</summary>
        public bool WentOutWhole => Volatile.Read(ref _whole) == 1;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext context)
        {
            if (Interlocked.Increment(ref _sends) > 1)
                throw new InvalidOperationException("The request body was about to be sent a second time; a submit is sent once only.");
            await _inner.CopyToAsync(new CountingStream(stream, _uploaded)).ConfigureAwait(false);
            Volatile.Write(ref _whole, 1);
        }

        protected override bool TryComputeLength(out long length)
        {
            var known = _inner.Headers.ContentLength;
            length = known ?? -1;
            return known.HasValue;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>Passes writes through, counting them.</summary>
        private sealed class CountingStream : Stream
        {
            private readonly Stream _target;
            private readonly Action<int>? _written;

            public CountingStream(Stream target, Action<int>? written)
            {
                _target = target;
                _written = written;
            }

            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count)
            {
                _target.Write(buffer, offset, count);
                _written?.Invoke(count);
            }

            public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                await _target.WriteAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                _written?.Invoke(count);
            }

            public override void Flush() => _target.Flush();
            public override Task FlushAsync(CancellationToken cancellationToken) => _target.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
