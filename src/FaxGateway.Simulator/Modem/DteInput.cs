using System.Collections.Concurrent;

namespace FaxGateway.Simulator.Modem;

/// <summary>
/// What the DTE wrote to the modem's port, read by one background loop into chunks that the modem's state
/// machine takes at its own pace. A full queue stops the reader, so the DTE's writes block as on a real UART
/// (backpressure while the modem paces a page out at line speed).
/// </summary>
internal sealed class DteInput
{
    private const int MaxQueuedChunks = 8;
    private readonly ConcurrentQueue<byte[]> _chunks = new();
    private readonly SemaphoreSlim _room = new(MaxQueuedChunks, MaxQueuedChunks);
    private readonly Action _wake;
    private byte[]? _current;
    private int _position;
    private volatile bool _closed;

    public DteInput(Action wake) => _wake = wake;

    /// <summary>The port closed or failed: no more input will come.</summary>
    public bool IsClosed => _closed && _current is null && _chunks.IsEmpty;

    public bool HasData => _current is not null || !_chunks.IsEmpty;

    public async Task PumpAsync(Stream port, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
                var buffer = new byte[512];
                var n = await port.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                _chunks.Enqueue(n == buffer.Length ? buffer : buffer.AsSpan(0, n).ToArray());
                _wake();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
        catch (IOException)
        {
            // The port went away: same as end of input.
        }
        catch (ObjectDisposedException)
        {
            // The port was closed under us: same as end of input.
        }
        finally
        {
            _closed = true;
            _wake();
        }
    }

    /// <summary>The unread part of the current chunk, without consuming it.</summary>
    public ReadOnlySpan<byte> Peek()
    {
        if (_current is null)
        {
            if (!_chunks.TryDequeue(out _current))
            {
                return default;
            }

            _position = 0;
            _room.Release();
        }

        return _current.AsSpan(_position);
    }

    public void Advance(int count)
    {
        _position += count;
        if (_current is not null && _position >= _current.Length)
        {
            _current = null;
        }
    }

    public bool TryReadByte(out byte value)
    {
        var span = Peek();
        if (span.IsEmpty)
        {
            value = 0;
            return false;
        }

        value = span[0];
        Advance(1);
        return true;
    }

    /// <summary>Drops everything the DTE has written so far (the character that aborted a receive, and line noise).</summary>
    public void Discard()
    {
        while (!Peek().IsEmpty)
        {
            _current = null;
        }
    }
}
