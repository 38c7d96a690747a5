namespace FaxGateway.Simulator.Line;

/// <summary>
/// A subscriber line of the virtual PSTN: its number, what the far end sees as caller id, and the faults and
/// impairments a test can switch on at any time (they apply to the next signal).
/// </summary>
public sealed class VirtualLine
{
    private LineImpairments _impairments = LineImpairments.None;
    private readonly Lock _lock = new();
    private Random _random = new(LineImpairments.None.Seed);

    // Bits of high-speed data still to pass before the next error. Kept across chunks so that where the errors
    // fall depends only on the data, never on how the sender's writes happened to be split (a seeded test
    // must damage the same bits on a loaded machine as on an idle one).
    private long _bitsBeforeNextError = -1;

    internal VirtualLine(string number, string callerName)
    {
        Number = number;
        CallerName = callerName;
    }

    /// <summary>The number this line answers to.</summary>
    public string Number { get; }

    /// <summary>The name sent as caller id (NAME=) when this line calls.</summary>
    public string CallerName { get; set; }

    /// <summary>Impairments of what this line receives; setting them reseeds the line's random source.</summary>
    public LineImpairments Impairments
    {
        get => _impairments;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_lock)
            {
                _impairments = value;
                _random = new Random(value.Seed);
                _bitsBeforeNextError = -1;
            }
        }
    }

    /// <summary>The exchange gives no dial tone: <c>ATD</c> answers <c>NO DIALTONE</c>.</summary>
    public bool NoDialTone { get; set; }

    /// <summary>Every call to this line gets <c>BUSY</c>.</summary>
    public bool AlwaysBusy { get; set; }

    /// <summary>The modem on this line hangs up after receiving this many octets of high-speed data in a call
    /// (a far end that hangs up mid-page, seen from the sender). Null: never.</summary>
    public long? HangUpAfterReceivedImageBytes { get; set; }

    /// <summary>Applies frame loss and corruption; returns null when the frame is lost.</summary>
    internal V21Frame? Impair(V21Frame frame)
    {
        var impairments = _impairments;
        if (impairments.IsClean)
        {
            return frame;
        }

        lock (_lock)
        {
            if (impairments.HdlcFrameLossRate > 0 && _random.NextDouble() < impairments.HdlcFrameLossRate)
            {
                return null;
            }

            if (impairments.HdlcFrameCorruptionRate > 0 && frame.Octets.Length > 2 && _random.NextDouble() < impairments.HdlcFrameCorruptionRate)
            {
                var damaged = (byte[])frame.Octets.Clone();
                // Damage past the address and control octets, so the frame still parses but fails its FCS.
                var at = 2 + _random.Next(damaged.Length - 2);
                damaged[at] ^= (byte)(1 << _random.Next(8));
                return new V21Frame(damaged, false);
            }
        }

        return frame;
    }

    /// <summary>Flips bits of high-speed data at the configured bit error rate; returns the number flipped.</summary>
    internal int Impair(Span<byte> data)
    {
        var rate = _impairments.ImageBitErrorRate;
        if (rate <= 0 || data.IsEmpty)
        {
            return 0;
        }

        var flipped = 0;
        lock (_lock)
        {
            // Geometric gaps between errors: one random draw per error, not one per bit.
            var totalBits = (long)data.Length * 8;
            if (_bitsBeforeNextError < 0)
            {
                _bitsBeforeNextError = NextGap(rate);
            }

            var position = _bitsBeforeNextError;
            while (position < totalBits)
            {
                data[(int)(position >> 3)] ^= (byte)(1 << (int)(position & 7));
                flipped++;
                position += 1 + NextGap(rate);
            }

            _bitsBeforeNextError = position - totalBits;
        }

        return flipped;
    }

    private long NextGap(double rate)
    {
        if (rate >= 1)
        {
            return 0;
        }

        var u = 1.0 - _random.NextDouble();
        var gap = Math.Log(u) / Math.Log(1.0 - rate);
        return gap > long.MaxValue / 2 ? long.MaxValue / 2 : (long)gap;
    }
}
