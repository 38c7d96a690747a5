namespace FaxGateway.Modems.Class1;

/// <summary>The high-speed fax modulations of T.30 Phase C.</summary>
public enum FaxModulation
{
    /// <summary>V.27 ter, 2400/4800 bit/s.</summary>
    V27ter,

    /// <summary>V.29, 7200/9600 bit/s.</summary>
    V29,

    /// <summary>V.17, 7200-14400 bit/s, long or short training.</summary>
    V17,
}

/// <summary>The T.31 +FTM/+FRM modulation codes (value = the code sent to the modem).</summary>
public enum Class1Carrier
{
    /// <summary>V.27 ter 2400 bit/s.</summary>
    V27ter2400 = 24,

    /// <summary>V.27 ter 4800 bit/s.</summary>
    V27ter4800 = 48,

    /// <summary>V.29 7200 bit/s.</summary>
    V29At7200 = 72,

    /// <summary>V.17 7200 bit/s, long training.</summary>
    V17At7200Long = 73,

    /// <summary>V.17 7200 bit/s, short training.</summary>
    V17At7200Short = 74,

    /// <summary>V.29 9600 bit/s.</summary>
    V29At9600 = 96,

    /// <summary>V.17 9600 bit/s, long training.</summary>
    V17At9600Long = 97,

    /// <summary>V.17 9600 bit/s, short training.</summary>
    V17At9600Short = 98,

    /// <summary>V.17 12000 bit/s, long training.</summary>
    V17At12000Long = 121,

    /// <summary>V.17 12000 bit/s, short training.</summary>
    V17At12000Short = 122,

    /// <summary>V.17 14400 bit/s, long training.</summary>
    V17At14400Long = 145,

    /// <summary>V.17 14400 bit/s, short training.</summary>
    V17At14400Short = 146,
}

/// <summary>Maps between <see cref="FaxModulation"/> + rate + training and the T.31 codes (spandsp t31.c switch).</summary>
public static class Class1Carriers
{
    /// <summary>Every code a full T.31 V.17 modem offers, in the order +FTM=? lists them.</summary>
    public static IReadOnlyList<Class1Carrier> All { get; } = Enum.GetValues<Class1Carrier>();

    /// <summary>The T.31 code for a modulation, rate and training; TCF always uses long training.</summary>
    public static Class1Carrier For(FaxModulation modulation, int bitRate, bool shortTraining = false) => (modulation, bitRate, shortTraining) switch
    {
        (FaxModulation.V27ter, 2400, _) => Class1Carrier.V27ter2400,
        (FaxModulation.V27ter, 4800, _) => Class1Carrier.V27ter4800,
        (FaxModulation.V29, 7200, _) => Class1Carrier.V29At7200,
        (FaxModulation.V29, 9600, _) => Class1Carrier.V29At9600,
        (FaxModulation.V17, 7200, false) => Class1Carrier.V17At7200Long,
        (FaxModulation.V17, 7200, true) => Class1Carrier.V17At7200Short,
        (FaxModulation.V17, 9600, false) => Class1Carrier.V17At9600Long,
        (FaxModulation.V17, 9600, true) => Class1Carrier.V17At9600Short,
        (FaxModulation.V17, 12000, false) => Class1Carrier.V17At12000Long,
        (FaxModulation.V17, 12000, true) => Class1Carrier.V17At12000Short,
        (FaxModulation.V17, 14400, false) => Class1Carrier.V17At14400Long,
        (FaxModulation.V17, 14400, true) => Class1Carrier.V17At14400Short,
        _ => throw new ArgumentOutOfRangeException(nameof(bitRate), $"{modulation} has no {bitRate} bit/s mode"),
    };

    /// <summary>The modulation of a code.</summary>
    public static FaxModulation Modulation(this Class1Carrier carrier) => carrier switch
    {
        Class1Carrier.V27ter2400 or Class1Carrier.V27ter4800 => FaxModulation.V27ter,
        Class1Carrier.V29At7200 or Class1Carrier.V29At9600 => FaxModulation.V29,
        _ => FaxModulation.V17,
    };

    /// <summary>The bit rate of a code.</summary>
    public static int BitRate(this Class1Carrier carrier) => carrier switch
    {
        Class1Carrier.V27ter2400 => 2400,
        Class1Carrier.V27ter4800 => 4800,
        Class1Carrier.V29At7200 or Class1Carrier.V17At7200Long or Class1Carrier.V17At7200Short => 7200,
        Class1Carrier.V29At9600 or Class1Carrier.V17At9600Long or Class1Carrier.V17At9600Short => 9600,
        Class1Carrier.V17At12000Long or Class1Carrier.V17At12000Short => 12000,
        _ => 14400,
    };

    /// <summary>True for the V.17 short-training codes (page data after a TCF on the long-training code).</summary>
    public static bool IsShortTraining(this Class1Carrier carrier) =>
        carrier is Class1Carrier.V17At7200Short or Class1Carrier.V17At9600Short or Class1Carrier.V17At12000Short or Class1Carrier.V17At14400Short;

    /// <summary>The T.31 code number.</summary>
    public static int Code(this Class1Carrier carrier) => (int)carrier;

    /// <summary>Parses a +FTM=?/+FRM=? answer ("24,48,72,73,74,96,97,98,121,122,145,146", ranges "(24-146)" tolerated); unknown codes are skipped.</summary>
    public static IReadOnlyList<Class1Carrier> ParseList(string answer)
    {
        var result = new List<Class1Carrier>();
        foreach (var part in answer.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = part.Trim('(', ')');
            var dash = token.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(token[..dash], out var lo) && int.TryParse(token[(dash + 1)..], out var hi))
            {
                result.AddRange(All.Where(c => (int)c >= lo && (int)c <= hi));
            }
            else if (int.TryParse(token, out var code) && Enum.IsDefined((Class1Carrier)code))
            {
                result.Add((Class1Carrier)code);
            }
        }

        return result.Distinct().ToArray();
    }
}
