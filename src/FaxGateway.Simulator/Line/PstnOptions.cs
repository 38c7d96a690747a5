namespace FaxGateway.Simulator.Line;

/// <summary>How the virtual exchange behaves.</summary>
public sealed record PstnOptions
{
    private readonly double _speedup = 1;

    /// <summary>
    /// Real-time mode: carriers take the time their training and bit rate need (TCF at 9600 bit/s takes 1.5 s),
    /// CED lasts 3 s, rings come every 6 s, and a carrier that ended before a receiver listened is missed, as on
    /// a real line. Fast mode (false) moves data as fast as the DTEs read and write it.
    /// </summary>
    public bool RealTime { get; init; }

    /// <summary>
    /// In real-time mode, how many times faster than a real line everything runs (training, data, CED, rings,
    /// +FTS/+FRS). 1 is a real line; 4 still lets DTE programs that time their pages (efax divides the page's
    /// bytes by its whole seconds) see time pass, while a page takes a quarter of its real time.
    /// </summary>
    public double Speedup
    {
        get => _speedup;
        init => _speedup = value is >= 1 and <= 1000 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Speedup must be between 1 and 1000.");
    }

    /// <summary>Time from one RING to the next; null: 6 s in real time (2 s on, 4 s off), 200 ms in fast mode.</summary>
    public TimeSpan? RingInterval { get; init; }

    /// <summary>Rings after which an unanswered call gives the caller <c>NO ANSWER</c>.</summary>
    public int RingsBeforeNoAnswer { get; init; } = 8;

    /// <summary>The number given to the first modem; later ones count up from it.</summary>
    public string FirstNumber { get; init; } = "5550100";

    /// <summary>Caller-id lines (DATE=, TIME=, NMBR=, NAME=) after the first RING, for modems that have them on.</summary>
    public bool CallerIdEnabled { get; init; } = true;

    /// <summary>How long the answering modem sends CED (2100 Hz) before V.21 in real time; null: 3 s (T.30 allows 2.6 to 4 s).</summary>
    public TimeSpan? CedDuration { get; init; }

    /// <summary>
    /// Delay from a modem's output to the far modem's demodulator (exchange, codecs, DSP); null: 40 ms in
    /// real-time mode (not divided by <see cref="Speedup"/>: it is not line time), none in fast mode.
    /// </summary>
    public TimeSpan? Latency { get; init; }

    internal TimeSpan EffectiveLatency => Latency ?? (RealTime ? TimeSpan.FromMilliseconds(40) : TimeSpan.Zero);

    internal TimeSpan EffectiveRingInterval => RingInterval ?? (RealTime ? TimeSpan.FromSeconds(6) / Speedup : TimeSpan.FromMilliseconds(200));
}
