namespace FaxGateway.Simulator.Pty;

/// <summary>
/// The master side of a pty as a <see cref="Stream"/>. The descriptor is non-blocking and every wait is a
/// short poll, so reads and writes honour cancellation and shutdown never hangs on a DTE that went away.
/// </summary>
public sealed unsafe class PtyMasterStream : Stream
{
    private const int PollSliceMilliseconds = 100;

    /// <summary>A DTE that reads nothing for this long loses what the modem writes (a real modem's buffer overflows too).</summary>
    private static readonly TimeSpan StalledWriteLimit = TimeSpan.FromSeconds(5);

    private readonly int _fd;
    private readonly ReaderWriterLockSlim _closing = new();
    private bool _closed;

    internal PtyMasterStream(int fd) => _fd = fd;

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

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => ReadBlocking(buffer, cancellationToken), cancellationToken));

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => WriteBlocking(buffer, cancellationToken), cancellationToken));

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => ReadBlocking(buffer.AsMemory(offset, count), CancellationToken.None);

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => WriteBlocking(buffer.AsMemory(offset, count), CancellationToken.None);

    private int ReadBlocking(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _closing.EnterReadLock();
            try
            {
                if (_closed)
                {
                    return 0;
                }

                var fds = new LibC.PollFd { Fd = _fd, Events = LibC.PollIn };
                var ready = LibC.Poll(&fds, 1, PollSliceMilliseconds);
                if (ready <= 0 || (fds.REvents & LibC.PollIn) == 0)
                {
                    if ((fds.REvents & LibC.PollNval) != 0)
                    {
                        return 0;
                    }

                    continue;
                }

                using var pin = buffer.Pin();
                var n = LibC.Read(_fd, (byte*)pin.Pointer, (nuint)buffer.Length);
                if (n > 0)
                {
                    return (int)n;
                }

                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (n < 0 && errno is LibC.EAgain or LibC.EIntr)
                {
                    continue;
                }

                return 0;
            }
            finally
            {
                _closing.ExitReadLock();
            }
        }
    }

    private void WriteBlocking(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var stalledSince = Environment.TickCount64;
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _closing.EnterReadLock();
            try
            {
                if (_closed)
                {
                    throw new IOException("The pty is closed.");
                }

                using var pin = buffer.Pin();
                var n = LibC.Write(_fd, (byte*)pin.Pointer, (nuint)buffer.Length);
                if (n > 0)
                {
                    buffer = buffer[(int)n..];
                    stalledSince = Environment.TickCount64;
                    continue;
                }

                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (n < 0 && errno is not (LibC.EAgain or LibC.EIntr))
                {
                    throw PseudoTerminalException.FromErrno("write to pty master");
                }

                if (Environment.TickCount64 - stalledSince > StalledWriteLimit.TotalMilliseconds)
                {
                    // Nobody reads the port: drop the rest, as a modem without flow control would.
                    return;
                }

                var fds = new LibC.PollFd { Fd = _fd, Events = LibC.PollOut };
                LibC.Poll(&fds, 1, PollSliceMilliseconds);
            }
            finally
            {
                _closing.ExitReadLock();
            }
        }
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Wait for a poll in progress to finish its slice, so the descriptor is never closed under it.
            _closing.EnterWriteLock();
            try
            {
                if (!_closed)
                {
                    _closed = true;
                    LibC.Close(_fd);
                }
            }
            finally
            {
                _closing.ExitWriteLock();
            }
        }

        base.Dispose(disposing);
    }
}
