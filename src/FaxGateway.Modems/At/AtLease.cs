using FaxGateway.Modems.Framing;

namespace FaxGateway.Modems.At;

/// <summary>
/// Exclusive use of an <see cref="AtChannel"/> for one exchange: a command, the data that follows its CONNECT
/// and the final result. Disposing the lease lets the next command in.
/// </summary>
public sealed class AtLease : IAsyncDisposable
{
    private readonly AtChannel _channel;
    private int _released;

    internal AtLease(AtChannel channel) => _channel = channel;

    /// <summary>The channel this lease holds.</summary>
    public AtChannel Channel => _channel;

    /// <summary>Sends <paramref name="command"/> and waits for its first result code (CONNECT included).</summary>
    public Task<AtResponse> CommandAsync(string command, AtCommandKind kind, TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.CommandCoreAsync(command, kind, timeout, cancellationToken);

    /// <summary>Waits for the next result code (after data, or the OK that follows an earlier CONNECT).</summary>
    public Task<AtResponse> ReadResultAsync(string what, TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.ReadResultCoreAsync(what, timeout, cancellationToken);

    /// <summary>Reads the next chunk of received data; a chunk with <see cref="DataChunk.IsEnd"/> ends it.</summary>
    public ValueTask<DataChunk> ReadDataAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.ReadDataCoreAsync(timeout, cancellationToken);

    /// <summary>Reads received data up to its end marker into one array; returns the data and the end event.</summary>
    public async Task<(byte[] Data, DleEvent End)> ReadAllDataAsync(TimeSpan idleTimeout, int maxLength, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        while (true)
        {
            var chunk = await ReadDataAsync(idleTimeout, cancellationToken).ConfigureAwait(false);
            if (chunk.IsEnd)
            {
                return (buffer.ToArray(), chunk.Event);
            }

            if (buffer.Length + chunk.Data.Length > maxLength)
            {
                throw new ModemException(ModemFailure.Garbage, $"{_channel.Name}: more than {maxLength} bytes of data without an end marker");
            }

            buffer.Write(chunk.Data.Span);
        }
    }

    /// <summary>Writes raw bytes (already DLE-stuffed where needed).</summary>
    public Task WriteAsync(ReadOnlyMemory<byte> bytes, TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.WriteCoreAsync(bytes, timeout, cancellationToken);

    /// <summary>Writes data with every DLE doubled.</summary>
    public Task WriteDataAsync(ReadOnlySpan<byte> data, TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.WriteCoreAsync(DleStuffing.Stuff(data), timeout, cancellationToken);

    /// <summary>Writes <c>&lt;DLE&gt;</c> followed by <paramref name="command"/> (ETX, or a Class 2.0 page marker).</summary>
    public Task WriteDleAsync(byte command, TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.WriteCoreAsync(new byte[] { Dle.Escape, command }, timeout, cancellationToken);

    /// <summary>Waits for XON (DC1) from the modem, as Class 2 (SP-2388-A) modems send after CONNECT to +FDT.</summary>
    public Task WaitForXonAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _channel.WaitForXonCoreAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _channel.Release();
        }

        return ValueTask.CompletedTask;
    }
}
