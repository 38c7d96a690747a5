using FaxGateway.Modems.At;
using FaxGateway.Modems.Framing;

namespace FaxGateway.Modems.Class1;

/// <summary>
/// High-speed data coming in after CONNECT to +FRM, unstuffed and (when asked) bit-reversed to MSB-first.
/// <see cref="ReadAsync"/> returns an empty chunk at the end (<c>&lt;DLE&gt;&lt;ETX&gt;</c>, then NO CARRIER when the
/// sender dropped its carrier). Disposing before the end aborts the receive.
/// </summary>
public sealed class Class1ImageReceiver : IAsyncDisposable
{
    private readonly Class1Modem _modem;
    private readonly AtLease _lease;
    private readonly bool _reverse;
    private bool _ended;
    private bool _released;

    internal Class1ImageReceiver(Class1Modem modem, AtLease lease, Class1Carrier carrier, bool msbFirstData)
    {
        _modem = modem;
        _lease = lease;
        Carrier = carrier;
        _reverse = msbFirstData;
    }

    /// <summary>The carrier in use.</summary>
    public Class1Carrier Carrier { get; }

    /// <summary>Data bytes received.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>The result that ended the data (normally NO CARRIER), once ended.</summary>
    public AtResultCode? EndResult { get; private set; }

    /// <summary>The next chunk of data; empty at the end.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        try
        {
            while (true)
            {
                var chunk = await _lease.ReadDataAsync(_modem.DataTimeout, cancellationToken).ConfigureAwait(false);
                if (chunk.IsEnd)
                {
                    _ended = true;
                    var result = await _lease.ReadResultAsync("the end of high-speed data", _modem.Connection.Profile.CommandTimeout, cancellationToken).ConfigureAwait(false);
                    EndResult = result.Result;
                    await ReleaseAsync().ConfigureAwait(false);
                    return ReadOnlyMemory<byte>.Empty;
                }

                if (chunk.Event == DleEvent.Command || chunk.Data.IsEmpty)
                {
                    // Other <DLE> commands carry no image data in T.31 receive.
                    continue;
                }

                BytesReceived += chunk.Data.Length;
                if (!_reverse)
                {
                    return chunk.Data;
                }

                var copy = chunk.Data.ToArray();
                BitOrder.ReverseInPlace(copy);
                return copy;
            }
        }
        catch (ModemException ex)
        {
            _ended = true;
            _released = true;
            throw await _modem.BreakFromAsync(_lease, ex).ConfigureAwait(false);
        }
    }

    /// <summary>Reads everything up to the end into one array.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var output = new MemoryStream();
        while (true)
        {
            var chunk = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (chunk.IsEmpty)
            {
                return output.ToArray();
            }

            output.Write(chunk.Span);
        }
    }

    /// <summary>Aborts a receive still in progress, then releases the channel.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            _ended = true;
            try
            {
                await _modem.AbortReceiveAsync(_lease, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ModemException ex)
            {
                _released = true;
                await _modem.BreakFromAsync(_lease, ex).ConfigureAwait(false);
                return;
            }
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    private async ValueTask ReleaseAsync()
    {
        if (!_released)
        {
            _released = true;
            await _lease.DisposeAsync().ConfigureAwait(false);
        }
    }
}
