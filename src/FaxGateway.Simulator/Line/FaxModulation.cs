namespace FaxGateway.Simulator.Line;

/// <summary>The carrier families a fax line carries: V.21 channel 2 for HDLC, the high-speed ones for TCF and page data.</summary>
public enum ModemFamily
{
    /// <summary>V.21 channel 2, 300 bit/s FSK, the T.30 control channel.</summary>
    V21,
    /// <summary>V.27ter, 2400/4800 bit/s.</summary>
    V27Ter,
    /// <summary>V.29, 7200/9600 bit/s.</summary>
    V29,
    /// <summary>V.17, 7200 to 14400 bit/s with long or short training.</summary>
    V17,
}

/// <summary>
/// One Class 1 modulation code (T.31 Table 2, spandsp <c>t31.c</c> switch): the family, the bit rate, and
/// whether the training is the long or the short one. A receiver tuned to another family or rate sees
/// garbage and reports <c>+FCERROR</c>; long and short training of the same rate interoperate.
/// </summary>
public readonly record struct FaxModulation(int Code, ModemFamily Family, int BitRate, bool ShortTraining)
{
    /// <summary>V.21 channel 2, code 3 of <c>+FTH/+FRH</c>.</summary>
    public static readonly FaxModulation V21 = new(3, ModemFamily.V21, 300, false);

    private static readonly FaxModulation[] HighSpeed =
    [
        new(24, ModemFamily.V27Ter, 2400, false),
        new(48, ModemFamily.V27Ter, 4800, false),
        new(72, ModemFamily.V29, 7200, false),
        new(73, ModemFamily.V17, 7200, false),
        new(74, ModemFamily.V17, 7200, true),
        new(96, ModemFamily.V29, 9600, false),
        new(97, ModemFamily.V17, 9600, false),
        new(98, ModemFamily.V17, 9600, true),
        new(121, ModemFamily.V17, 12000, false),
        new(122, ModemFamily.V17, 12000, true),
        new(145, ModemFamily.V17, 14400, false),
        new(146, ModemFamily.V17, 14400, true),
    ];

    /// <summary>The answer to <c>AT+FTM=?</c> and <c>AT+FRM=?</c>, as spandsp and iaxmodem give it.</summary>
    public static string HighSpeedCodeList { get; } = string.Join(',', HighSpeed.Select(m => m.Code));

    /// <summary>Looks up a <c>+FTM/+FRM</c> modulation code.</summary>
    public static bool TryFromHighSpeedCode(int code, out FaxModulation modulation)
    {
        foreach (var m in HighSpeed)
        {
            if (m.Code == code)
            {
                modulation = m;
                return true;
            }
        }

        modulation = default;
        return false;
    }

    /// <summary>True when a receiver set to <paramref name="receiver"/> can demodulate this carrier.</summary>
    public bool CanBeReceivedBy(FaxModulation receiver) => Family == receiver.Family && BitRate == receiver.BitRate;

    /// <summary>
    /// Time from carrier on to the first data bit: V.21 sends 1 s of flags before the first frame (T.30 5.3.1);
    /// the training sequences are those of V.27ter (long, 4800: ~708 ms + 2400: ~943 ms), V.29 (~253 ms) and
    /// V.17 (long ~1393 ms, short ~142 ms).
    /// </summary>
    public TimeSpan TrainingTime => Family switch
    {
        ModemFamily.V21 => TimeSpan.FromMilliseconds(1000),
        ModemFamily.V27Ter => TimeSpan.FromMilliseconds(BitRate == 4800 ? 708 : 943),
        ModemFamily.V29 => TimeSpan.FromMilliseconds(253),
        _ => TimeSpan.FromMilliseconds(ShortTraining ? 142 : 1393),
    };

    /// <summary>Line time that <paramref name="bytes"/> octets take at this bit rate.</summary>
    public TimeSpan TimeFor(long bytes) => TimeSpan.FromTicks(bytes * 8 * TimeSpan.TicksPerSecond / BitRate);

    /// <inheritdoc/>
    public override string ToString() => Family == ModemFamily.V21 ? "V.21" : $"{Family} {BitRate}{(ShortTraining ? " short" : string.Empty)} ({Code})";
}
