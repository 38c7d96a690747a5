using FaxGateway.Modems.Profiles;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Modems.Calls;

/// <summary>Which fax service class a call uses; <see cref="Auto"/> takes the profile's preferred class.</summary>
public enum FaxCallClass
{
    /// <summary>The profile's <see cref="ModemProfile.PreferredClass"/>.</summary>
    Auto,

    /// <summary>Class 1 / 1.0: our T.30 engine drives the modem's primitives.</summary>
    Class1,

    /// <summary>Class 2 (SP-2388-A): the modem's own T.30.</summary>
    Class2,

    /// <summary>Class 2.0 (T.32): the modem's own T.30.</summary>
    Class20,
}

/// <summary>
/// When a received non-ECM page is good enough (HylaFAX <c>PercentGoodLines</c> 95 and <c>MaxConsecutiveBadLines</c> 5):
/// a page beyond either limit is answered RTN, so the sender retrains and sends it again.
/// </summary>
public sealed record CopyQualityPolicy
{
    /// <summary>Highest share of bad rows, in percent, that still gives MCF.</summary>
    public double MaxBadLinePercent { get; init; } = 5;

    /// <summary>Longest run of consecutive bad rows that still gives MCF.</summary>
    public int MaxConsecutiveBadLines { get; init; } = 5;

    /// <summary>Rows kept per received page at most (a Legal page at superfine is about 5500); beyond this the page is bad.</summary>
    public int MaxRows { get; init; } = 12000;
}

/// <summary>How a line sends and receives: identity, class, ECM, capabilities, copy quality and T.30 policies.</summary>
public sealed record FaxCallOptions
{
    /// <summary>Our TSI/CSI, at most 20 characters.</summary>
    public string LocalIdent { get; init; } = string.Empty;

    /// <summary>The service class; <see cref="FaxCallClass.Auto"/> uses the profile's.</summary>
    public FaxCallClass Class { get; init; } = FaxCallClass.Auto;

    /// <summary>Error correction mode (T.4 Annex A) when the far end offers it; needed for MMR.</summary>
    public bool UseEcm { get; init; } = true;

    /// <summary>ECM frame size we send with (256 or 64).</summary>
    public int EcmFrameSize { get; init; } = 256;

    /// <summary>Highest rate to train at (Class 1); the modem's carriers lower it further.</summary>
    public FaxRate MaxRate { get; init; } = FaxRate.V17_14400;

    /// <summary>Resolutions we receive and send.</summary>
    public FaxResolution Resolutions { get; init; } = FaxResolution.Standard | FaxResolution.Fine | FaxResolution.Superfine;

    /// <summary>Codings we receive and send (MMR only with ECM).</summary>
    public FaxCompression Compressions { get; init; } = FaxCompression.MH | FaxCompression.MR | FaxCompression.MMR;

    /// <summary>Minimum scan line time we need as a receiver, in ms (0 for a DTE that buffers).</summary>
    public int MinScanTimeMs { get; init; }

    /// <summary>What to do when the far end answers RTN.</summary>
    public RtnPolicy RtnPolicy { get; init; } = RtnPolicy.Retransmit;

    /// <summary>Received page judgement.</summary>
    public CopyQualityPolicy CopyQuality { get; init; } = new();

    /// <summary>T.30 timers (Class 1).</summary>
    public T30Timers Timers { get; init; } = new();

    /// <summary>The capabilities we announce in DIS and negotiate DCS from, limited by what the modem can modulate.</summary>
    public FaxCapabilities Capabilities(ModemSupport modems) => new()
    {
        Modems = modems,
        Resolutions = Resolutions | FaxResolution.Standard,
        Compressions = (UseEcm ? Compressions : Compressions & ~FaxCompression.MMR) | FaxCompression.MH,
        Ecm = UseEcm,
        MinScanTimeMs = MinScanTimeMs,
        MaxWidth = PageWidth.W1728,
        MaxLength = PageLength.Unlimited,
    };

    /// <summary>The class to use with <paramref name="profile"/>.</summary>
    public FaxCallClass Resolve(ModemProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Class != FaxCallClass.Auto ? Class : profile.PreferredClass switch
        {
            FaxClass.Class2 => FaxCallClass.Class2,
            FaxClass.Class20 => FaxCallClass.Class20,
            _ => FaxCallClass.Class1,
        };
    }
}
