namespace FaxGateway.Simulator.Line;

/// <summary>
/// What a subscriber line does to the signals its modem receives. Randomness is seeded, so a failing run
/// can be replayed exactly.
/// </summary>
public sealed record LineImpairments
{
    /// <summary>No impairments: a perfect line.</summary>
    public static LineImpairments None { get; } = new();

    /// <summary>Probability that any one bit of high-speed data (TCF, page data, ECM blocks) arrives inverted.</summary>
    public double ImageBitErrorRate { get; init; }

    /// <summary>Probability that a V.21 HDLC frame is lost completely (no flags seen, no CONNECT for it).</summary>
    public double HdlcFrameLossRate { get; init; }

    /// <summary>Probability that a V.21 HDLC frame arrives with a damaged octet, so its FCS check fails.</summary>
    public double HdlcFrameCorruptionRate { get; init; }

    /// <summary>Seed of this line's random source.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>True when nothing is impaired (the fast path skips the random source).</summary>
    public bool IsClean => ImageBitErrorRate <= 0 && HdlcFrameLossRate <= 0 && HdlcFrameCorruptionRate <= 0;
}
