using System.IO.Pipelines;

namespace Pixelcut.Sandbox;

/// <summary>
/// The response body as a write-only stream over the server's own pipe, counting the bytes the connection took.
/// Kestrel's own body stream hides that the client has gone: its writes then succeed and go nowhere.
/// </summary>
public sealed class CountingStream(PipeWriter wire) : Stream
{
    private long _written;
    private volatile bool _clientGone;

    public long Written => Interlocked.Read(ref _written);

    /// <summary>The connection stopped taking bytes; later writes are dropped and not counted.</summary>
    public bool ClientGone => _clientGone;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await wire.WriteAsync(buffer, cancellationToken);
        // Once the connection is aborted Kestrel's writes return as if the bytes had gone out; only a flush says otherwise.
        if (!result.IsCompleted) result = await wire.FlushAsync(cancellationToken);
        if (result.IsCompleted) _clientGone = true;
        else Interlocked.Add(ref _written, buffer.Length);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if ((await wire.FlushAsync(cancellationToken)).IsCompleted) _clientGone = true;
    }

    // Kestrel forbids synchronous body writes by default, and so does this stream.
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
