using System.Buffers;
using FaxGateway.Modems.At;
using FaxGateway.Modems.Framing;

namespace FaxGateway.Modems.Class1;

/// <summary>
/// High-speed data going out after CONNECT to +FTM: bytes are bit-reversed to line order when asked, DLE-doubled
/// and written; <see cref="CompleteAsync"/> sends <c>&lt;DLE&gt;&lt;ETX&gt;</c> and waits for OK (carrier off).
/// The port's flow control provides the backpressure. The DTE must keep the modem fed: an under-run makes
/// the modem send fill (0x00), so callers insert T.4 fill bits themselves to meet the minimum scan-line time.
/// </summary>
public sealed class Class1ImageTransmitter : IAsyncDisposable
{
    private readonly Class1Modem _modem;
    private readonly AtLease _lease;
    private readonly bool _reverse;
    private bool _done;

    internal Class1ImageTransmitter(Class1Modem modem, AtLease lease, Class1Carrier carrier, bool msbFirstData)
    {
        _modem = modem;
        _lease = lease;
        Carrier = carrier;
        _reverse = msbFirstData;
    }

    /// <summary>The carrier in use.</summary>
    public Class1Carrier Carrier { get; }

    /// <summary>Data bytes written so far (before stuffing).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes data.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var scratch = ArrayPool<byte>.Shared.Rent(DleStuffing.MaxStuffedLength(data.Length) + data.Length);
        try
        {
            var source = data.Span;
            if (_reverse)
            {
                var reversed = scratch.AsSpan(DleStuffing.MaxStuffedLength(data.Length), data.Length);
                BitOrder.Reverse(source, reversed);
                source = reversed;
            }

            var n = DleStuffing.Stuff(source, scratch);
            await _lease.WriteAsync(scratch.AsMemory(0, n), _modem.DataTimeout, cancellationToken).ConfigureAwait(false);
            BytesWritten += data.Length;
        }
        catch (ModemException ex)
        {
            _done = true;
            throw await _modem.BreakFromAsync(_lease, ex).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Ends the data; returns when the modem has sent everything and answered OK.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _done = true;
        try
        {
            await _modem.CompleteTransmitAsync(_lease, BytesWritten, Carrier, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Releases the channel; an uncompleted transmission is ended with <c>&lt;DLE&gt;&lt;ETX&gt;</c> first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            await CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
