using FaxGateway.Protocol.Capabilities;

namespace FaxGateway.Protocol.Session;

/// <summary>Which end of the call we are.</summary>
public enum CallRole
{
    /// <summary>We dialled: we wait for DIS (the modem is in implicit +FRH=3 after CONNECT).</summary>
    Caller,
    /// <summary>We answered: we send CSI/DIS first (the modem is in implicit +FTH=3 after ATA).</summary>
    Answerer,
}

/// <summary>Session set-up. A source means we have a document to send (or to be polled); a sink means we
/// accept one. A caller with only a sink polls (DTC).</summary>
public sealed record T30SessionOptions
{
    public required CallRole Role { get; init; }

    /// <summary>Our TSI/CSI/CIG, at most 20 characters.</summary>
    public string LocalIdent { get; init; } = string.Empty;

    /// <summary>What we can do; sent as DIS/DTC and used to choose a DCS.</summary>
    public FaxCapabilities LocalCapabilities { get; init; } = new();

    public IFaxPageSource? PageSource { get; init; }

    public IFaxPageSink? PageSink { get; init; }

    /// <summary>Optional NSF FIF to send before CSI/DIS (answerer).</summary>
    public ReadOnlyMemory<byte> NsfToSend { get; init; }

    /// <summary>Highest rate we start training at.</summary>
    public FaxRate MaxRate { get; init; } = FaxRate.V17_14400;

    public bool UseEcm { get; init; } = true;

    /// <summary>ECM frame size we send with: 256 (default) or 64 octets.</summary>
    public int EcmFrameSize { get; init; } = 256;

    public RtnPolicy RtnPolicy { get; init; } = RtnPolicy.Retransmit;

    /// <summary>Times a page is sent before giving up under <see cref="RtnPolicy.Retransmit"/>.</summary>
    public int MaxPageAttempts { get; init; } = 3;

    /// <summary>Every command without a valid response is sent at most this often (spandsp, efax, HylaFAX: 3).</summary>
    public int MaxCommandTries { get; init; } = 3;

    /// <summary>Training attempts at the lowest rate before giving up (efax MAXTRAIN 2).</summary>
    public int MaxTrainingAttemptsAtLowestRate { get; init; } = 2;

    /// <summary>ECM: PPRs for one block before CTC (or EOR at the lowest rate) (spandsp PPR_LIMIT_BEFORE_CTC_OR_EOR).</summary>
    public int PprLimitBeforeCtcOrEor { get; init; } = 4;

    /// <summary>TCF judgement: minimum longest zero run (HylaFAX Class1TCFMinRun 1000 ms; halved with ECM).</summary>
    public TimeSpan TcfMinZeroRun { get; init; } = TimeSpan.FromMilliseconds(1000);

    public T30Timers Timers { get; init; } = new();
}
