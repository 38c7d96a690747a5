using System.Buffers;
using System.IO.Pipelines;

namespace FaxGateway.Simulator;

/// <summary>
/// One end of an in-process serial cable: reads what the other end wrote, writes what the other end reads.
/// Writes apply backpressure once <see cref="CableBufferBytes"/> are unread, like a full pty or UART buffer.
/// When the other end is closed (or the virtual port is unplugged) reads end or throw <see cref="IOException"/>.
/// </summary>
public sealed class PipeDuplexStream : Stream
{
    /// <summary>Unread bytes a direction holds before a writer waits: the size of a Linux pty buffer.</summary>
    public const int CableBufferBytes = 4096;

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _disposed;

    private PipeDuplexStream(PipeReader input, PipeWriter output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Creates the two ends of a cable: (DTE side, modem side).</summary>
    public static (PipeDuplexStream Dte, PipeDuplexStream Modem) CreatePair()
    {
        var options = new PipeOptions(pauseWriterThreshold: CableBufferBytes, resumeWriterThreshold: CableBufferBytes / 2, useSynchronizationContext: false);
        var toModem = new Pipe(options);
        var toDte = new Pipe(options);
        return (new PipeDuplexStream(toDte.Reader, toModem.Writer), new PipeDuplexStream(toModem.Reader, toDte.Writer));
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Breaks the cable with an error: the other end's reads and writes fail with <see cref="IOException"/>.</summary>
    public void Break(string reason)
    {
        var error = new IOException(reason);
        _output.Complete(error);
        _input.Complete(error);

        // Completing a reader does not wake a read already waiting on it (only the writer's side does): cancel it,
        // after the completion, so that no read can start in between and wait for data that never comes.
        _input.CancelPendingRead();
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        // Break (an unplug) completes this end's reader from another thread, so the pipe may refuse any step of a
        // read, the AdvanceTo after data included: whichever step it is, the reader sees a port that went away.
        try
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var available = result.Buffer;
            if (available.IsEmpty && (result.IsCompleted || result.IsCanceled))
            {
                _input.AdvanceTo(available.End);
                return 0;
            }

            var count = (int)Math.Min(buffer.Length, available.Length);
            available.Slice(0, count).CopyTo(buffer.Span);
            _input.AdvanceTo(available.GetPosition(count));
            return count;
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException("The virtual serial port is closed.", ex);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        FlushResult result;
        try
        {
            result = await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException("The virtual serial port is closed.", ex);
        }

        if (result.IsCompleted)
        {
            throw new IOException("The other end of the virtual serial port is closed.");
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output.Complete();
            _input.Complete();
        }

        base.Dispose(disposing);
    }
}
