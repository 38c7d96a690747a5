using System.Threading.Channels;

namespace FaxGateway.Simulator.Line;

/// <summary>One HDLC frame as it travels on V.21: address, control, FCF, FIF and the two FCS octets.</summary>
/// <param name="Octets">The frame including its FCS, in line order (LSB of each octet first on the wire).</param>
/// <param name="FcsValid">False when the frame was damaged on the line (its FCS no longer matches).</param>
public readonly record struct V21Frame(byte[] Octets, bool FcsValid)
{
    /// <summary>True when the control field has the final-frame bit (<c>0x13</c>): the sender drops the carrier after it.</summary>
    public bool IsFinal => Octets.Length > 1 && (Octets[1] & 0x10) != 0;
}

/// <summary>
/// One carrier from carrier-on to carrier-off, as one direction of a call carries it: either V.21 with HDLC
/// frames, or a high-speed modulation with raw octets (TCF or page data). The receiving modem reads it while
/// the transmitting modem is still writing; completion is carrier loss.
/// </summary>
internal sealed class Transmission
{
    private readonly Channel<ReadOnlyMemory<byte>> _data = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly Channel<V21Frame> _frames = Channel.CreateUnbounded<V21Frame>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });

    private readonly Modem.VirtualModem _receiver;

    public Transmission(FaxModulation modulation, DateTimeOffset startedAt, Modem.VirtualModem receiver)
    {
        Modulation = modulation;
        StartedAt = startedAt;
        _receiver = receiver;
    }

    public FaxModulation Modulation { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>When the carrier dropped; null while it is on.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public bool IsHdlc => Modulation.Family == ModemFamily.V21;

    public ChannelReader<ReadOnlyMemory<byte>> Data => _data.Reader;

    public ChannelReader<V21Frame> Frames => _frames.Reader;

    /// <summary>True once the carrier dropped and the receiver has taken everything.</summary>
    public bool IsDrained => EndedAt is not null && _frames.Reader.Count == 0 && _data.Reader.Count == 0;

    public void Send(V21Frame frame)
    {
        _frames.Writer.TryWrite(frame);
        _receiver.Wake();
    }

    public void Send(ReadOnlyMemory<byte> data)
    {
        _data.Writer.TryWrite(data);
        _receiver.Wake();
    }

    /// <summary>Carrier off.</summary>
    public void End(DateTimeOffset now)
    {
        lock (_frames)
        {
            EndedAt ??= now;
        }

        _frames.Writer.TryComplete();
        _data.Writer.TryComplete();
        _receiver.Wake();
    }
}
