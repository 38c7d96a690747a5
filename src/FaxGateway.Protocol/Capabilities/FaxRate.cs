namespace FaxGateway.Protocol.Capabilities;

/// <summary>High-speed modulations used for TCF and phase C.</summary>
public enum Modulation
{
    V27ter,
    V29,
    V17,
}

/// <summary>Modem families a terminal supports (DIS bits 11-14).</summary>
[Flags]
public enum ModemSupport
{
    /// <summary>DIS 0000: V.27 ter fall-back mode only, that is 2400 bit/s.</summary>
    V27terFallbackOnly = 0,
    V27ter = 1,
    V29 = 2,
    V17 = 4,
}

/// <summary>A phase C signalling rate: modulation and bit rate.</summary>
public readonly record struct FaxRate(Modulation Modulation, int BitsPerSecond)
{
    public static readonly FaxRate V27ter2400 = new(Modulation.V27ter, 2400);
    public static readonly FaxRate V27ter4800 = new(Modulation.V27ter, 4800);
    public static readonly FaxRate V29_7200 = new(Modulation.V29, 7200);
    public static readonly FaxRate V29_9600 = new(Modulation.V29, 9600);
    public static readonly FaxRate V17_7200 = new(Modulation.V17, 7200);
    public static readonly FaxRate V17_9600 = new(Modulation.V17, 9600);
    public static readonly FaxRate V17_12000 = new(Modulation.V17, 12000);
    public static readonly FaxRate V17_14400 = new(Modulation.V17, 14400);

    /// <summary>
    /// The fallback order of spandsp's <c>fallback_sequence</c> (spec 3.4): on FTT (or a retrain after
    /// RTN, or CTC) move to the next lower entry the remote's DIS permits.
    /// </summary>
    public static IReadOnlyList<FaxRate> FallbackOrder { get; } =
    [
        V17_14400, V17_12000, V17_9600, V29_9600, V17_7200, V29_7200, V27ter4800, V27ter2400,
    ];

    /// <summary>Whether a terminal with the given DIS modem bits can use this rate.</summary>
    public bool IsPermittedBy(ModemSupport modems) => Modulation switch
    {
        Modulation.V17 => modems.HasFlag(ModemSupport.V17),
        Modulation.V29 => modems.HasFlag(ModemSupport.V29),
        _ => BitsPerSecond == 2400 || modems.HasFlag(ModemSupport.V27ter),
    };

    /// <summary>The next lower rate both sides permit, or null at the bottom of the order.</summary>
    public FaxRate? NextLower(ModemSupport permitted)
    {
        var list = FallbackOrder;
        var start = -1;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == this)
            {
                start = i;
                break;
            }
        }

        for (var i = start + 1; i < list.Count; i++)
        {
            if (list[i].IsPermittedBy(permitted))
            {
                return list[i];
            }
        }

        return null;
    }

    /// <summary>
    /// The Class 1 +FTM/+FRM modulation code (T.31 table; spandsp t31.c). TCF always uses long
    /// training; page data after CFR may use V.17 short training.
    /// </summary>
    public int Class1Code(bool shortTraining) => (Modulation, BitsPerSecond) switch
    {
        (Modulation.V27ter, 2400) => 24,
        (Modulation.V27ter, 4800) => 48,
        (Modulation.V29, 7200) => 72,
        (Modulation.V29, 9600) => 96,
        (Modulation.V17, 7200) => shortTraining ? 74 : 73,
        (Modulation.V17, 9600) => shortTraining ? 98 : 97,
        (Modulation.V17, 12000) => shortTraining ? 122 : 121,
        (Modulation.V17, 14400) => shortTraining ? 146 : 145,
        _ => throw new InvalidOperationException($"no Class 1 code for {this}"),
    };

    /// <summary>The rate of a Class 1 modulation code, or null if the code is not a fax rate.</summary>
    public static FaxRate? FromClass1Code(int code) => code switch
    {
        24 => V27ter2400,
        48 => V27ter4800,
        72 => V29_7200,
        96 => V29_9600,
        73 or 74 => V17_7200,
        97 or 98 => V17_9600,
        121 or 122 => V17_12000,
        145 or 146 => V17_14400,
        _ => null,
    };

    /// <summary>Octets of zeros in a TCF of the given length (1.5 s: 2700 at 14400, 450 at 2400).</summary>
    public int TcfOctets(TimeSpan duration) => (int)(BitsPerSecond * duration.TotalSeconds / 8);

    public override string ToString() => $"{Modulation switch { Modulation.V27ter => "V.27ter", Modulation.V29 => "V.29", _ => "V.17" }} {BitsPerSecond}";
}
