using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Session;

/// <summary>What happened to a page.</summary>
public enum PageOutcome
{
    /// <summary>Sent, confirmed by MCF (ECM: MCF to the page's last PPS).</summary>
    Confirmed,
    /// <summary>Sent, confirmed by RTP (good, retrain).</summary>
    ConfirmedRetrain,
    /// <summary>Sent, confirmed by PIP (good, but the far end asked for a procedure interrupt).</summary>
    ConfirmedInterrupt,
    /// <summary>Sent, rejected by RTN or PIN.</summary>
    Rejected,
    /// <summary>Sent, rejected by RTN, and the RTN policy <see cref="RtnPolicy.Ignore"/> carried on: not confirmed.</summary>
    RejectedIgnored,
    /// <summary>Sent (fully or partly) but never confirmed: the call ended first.</summary>
    NotConfirmed,
    /// <summary>ECM: a block was given up with EOR/ERR; not confirmed as complete.</summary>
    SentWithErrors,
    /// <summary>Received and answered MCF.</summary>
    Received,
    /// <summary>Received, poor copy quality: answered RTP.</summary>
    ReceivedPoor,
    /// <summary>Received, bad copy quality: answered RTN.</summary>
    ReceivedBad,
    /// <summary>ECM: received with frames missing after EOR.</summary>
    ReceivedWithErrors,
    /// <summary>Reception started but the call ended before the post-page message.</summary>
    ReceiveIncomplete,
}

/// <summary>One page of a call.</summary>
public sealed record FaxPageResult
{
    public required int PageIndex { get; init; }
    public required FaxCompression Compression { get; init; }
    public required FaxResolution Resolution { get; init; }
    public required PageWidth Width { get; init; }
    public required FaxRate Rate { get; init; }
    public required bool Ecm { get; init; }
    public required PageOutcome Outcome { get; init; }
    /// <summary>Non-ECM receive: bad lines reported by the page sink.</summary>
    public int BadLines { get; init; }
    /// <summary>ECM send: frames sent again after PPR; ECM receive: frames asked for again.</summary>
    public int ResentFrames { get; init; }
    /// <summary>Send: how often the page was transmitted (RTN retransmissions).</summary>
    public int Attempts { get; init; } = 1;
    /// <summary>From the start of phase C to the post-page response.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Whether the far end confirmed the page (sender) or we accepted it (receiver).</summary>
    public bool IsConfirmed => Outcome is PageOutcome.Confirmed or PageOutcome.ConfirmedRetrain or PageOutcome.ConfirmedInterrupt
        or PageOutcome.Received or PageOutcome.ReceivedPoor;
}

/// <summary>The outcome of a call.</summary>
public sealed record FaxCallResult
{
    public required HangupReason Reason { get; init; }
    /// <summary>Normal end and every page confirmed (sender: all of the document; receiver: at least one page).</summary>
    public required bool Success { get; init; }
    public required IReadOnlyList<FaxPageResult> Pages { get; init; }
    public int PagesConfirmed => Pages.Count(p => p.IsConfirmed);
    /// <summary>The far end's CSI (we called) or TSI/CIG (it called).</summary>
    public string? RemoteIdent { get; init; }
    public FaxCapabilities? RemoteCapabilities { get; init; }
    public NonStandardFacilities? RemoteNsf { get; init; }
    /// <summary>The last DCS in force.</summary>
    public DcsParameters? Mode { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Ended { get; init; }
    public TimeSpan Duration => Ended - Started;
    /// <summary>Phase B up to the first CFR (negotiation and training).</summary>
    public TimeSpan? TrainingDuration { get; init; }
    public int FramesSent { get; init; }
    public int FramesReceived { get; init; }
    public int BadFramesReceived { get; init; }
}
