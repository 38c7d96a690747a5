using FaxGateway.Core.Model;

namespace FaxGateway.Core.Lines;

/// <summary>
/// The port through which Core drives one telephone line (one modem, real or simulated). Implemented
/// by the calls layer (Class 1 driver + T.30 engine, or Class 2/2.0); Core's line workers own the
/// instance and never call it concurrently: one call at a time, outgoing or incoming.
/// </summary>
public interface IFaxLine : IAsyncDisposable
{
    /// <summary>Stable id of the line (configuration key), used in storage, logs and metric labels.</summary>
    string LineId { get; }

    /// <summary>
    /// Dials <see cref="OutboundFax.Destination"/> and sends the pages. Returns normally for every call
    /// outcome (busy, no answer, T.30 failure, ...): the result says what happened to each page. Throws
    /// only when cancelled; a broken modem is reported as <see cref="FailureKind.LineFault"/>.
    /// </summary>
    Task<FaxSendResult> SendAsync(OutboundFax fax, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for the next incoming call (RING with caller id). Cancelling it (the line worker does so to
    /// dial out) must leave the line idle and ready, with no call half answered.
    /// </summary>
    Task<IncomingCall> WaitForCallAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True while a call is ringing in that <see cref="WaitForCallAsync"/> has not yet returned (it waits for more rings).
    /// The worker does not dial out then: the exchange would connect the caller, not the number dialled.
    /// </summary>
    bool IsRinging => false;

    /// <summary>
    /// Answers <paramref name="call"/> and receives the fax into <see cref="ReceiveTarget.TiffPath"/> (and each page,
    /// before it is confirmed, into <see cref="ReceiveTarget.PageDirectory"/> when set).
    /// </summary>
    Task<FaxReceiveResult> ReceiveAsync(IncomingCall call, ReceiveTarget target, CancellationToken cancellationToken);

    /// <summary>Refuses <paramref name="call"/> (lets it ring out or goes off hook and hangs up at once).</summary>
    Task RejectAsync(IncomingCall call, CancellationToken cancellationToken);

    /// <summary>Checks that the modem answers (e.g. AT, then a re-initialisation); used to bring a line back into service.</summary>
    Task<bool> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Creates the line objects of the configured (or simulated) modems. One composition point in the host.</summary>
public interface IFaxLineFactory
{
    /// <summary>The lines this factory can open, with their numbers and send/receive permissions.</summary>
    IReadOnlyList<FaxLineDescriptor> Lines { get; }

    /// <summary>Opens (initialises) the modem of <paramref name="lineId"/>.</summary>
    Task<IFaxLine> OpenAsync(string lineId, CancellationToken cancellationToken);
}

/// <summary>Static description of a line from configuration.</summary>
public sealed record FaxLineDescriptor(string LineId, string Number, bool CanSend = true, bool CanReceive = true);

/// <summary>What to send: a normalised TIFF-F document (MMR pages, fax widths and resolutions) and the identification.</summary>
public sealed record OutboundFax
{
    public required string JobId { get; init; }
    public required string SessionId { get; init; }

    /// <summary>Number to dial, as stored (E.164); the line applies its own dial prefix rules.</summary>
    public required string Destination { get; init; }

    /// <summary>Our number for the TSI (T.30 local identification, 20 characters max).</summary>
    public required string LocalIdent { get; init; }

    /// <summary>Optional header line text to stamp at the top of each page.</summary>
    public string HeaderText { get; init; } = "";

    /// <summary>Absolute path of the multi-page TIFF-F file to transmit, page 1 first.</summary>
    public required string TiffPath { get; init; }

    /// <summary>Pages of the whole document (the header line's "of N"), whichever of them this call sends.</summary>
    public required int PageCount { get; init; }

    /// <summary>
    /// The document page (1-based) this call starts at: a retried job resumes after the pages the far end
    /// already confirmed with MCF in earlier calls (as HylaFAX does), so the recipient does not get them twice.
    /// The line sends pages <see cref="FirstPage"/>..<see cref="PageCount"/>, stamps their header with these
    /// document page numbers, and reports their outcomes under the same numbers.
    /// </summary>
    public int FirstPage { get; init; } = 1;

    /// <summary>Pages this call is to send.</summary>
    public int PagesToSend => Math.Max(0, PageCount - FirstPage + 1);
}

/// <summary>What the far end said about one page after its post-page message.</summary>
public enum PageConfirmation
{
    /// <summary>Never transmitted (the call ended before it).</summary>
    NotSent,

    /// <summary>Message confirmation: the page was received. The only outcome that counts as sent.</summary>
    Mcf,

    /// <summary>Retrain positive.</summary>
    Rtp,

    /// <summary>Retrain negative: page not accepted.</summary>
    Rtn,

    /// <summary>Procedure interrupt (PIP/PIN): the far end asked for an operator.</summary>
    ProcedureInterrupt,

    /// <summary>Sent but no post-page response came back.</summary>
    NoResponse,
}

/// <summary>Per-page outcome of a send (1-based page numbers).</summary>
public sealed record PageOutcome(int PageNumber, PageConfirmation Confirmation, int? BitRate = null);

/// <summary>Everything the job lifecycle needs from one outgoing call.</summary>
public sealed record FaxSendResult
{
    /// <summary><see cref="FailureKind.None"/> when the call completed normally (which still may not confirm every page).</summary>
    public required FailureKind Failure { get; init; }

    /// <summary>
    /// One entry per page the call was to send (<see cref="OutboundFax.FirstPage"/> to the last), in order,
    /// numbered as pages of the whole document.
    /// </summary>
    public required IReadOnlyList<PageOutcome> Pages { get; init; }

    /// <summary>The far end's CSI, trimmed; empty if it sent none.</summary>
    public string RemoteIdent { get; init; } = "";

    /// <summary>Why the call ended, in the line's words (e.g. "BUSY", "T.30 DCN after DCS", "+FHS:23").</summary>
    public string HangupReason { get; init; } = "";
    public required DateTimeOffset StartedAt { get; init; }
    public required TimeSpan Duration { get; init; }

    /// <summary>Pages of this call confirmed by MCF, wherever they are.</summary>
    public int PagesConfirmed => Pages.Count(p => p.Confirmation == PageConfirmation.Mcf);

    /// <summary>
    /// How many pages from <paramref name="firstPage"/> on were confirmed by MCF without a gap: only those
    /// are done. A page confirmed after a rejected (RTN) or unanswered one is not, since a resumed call
    /// must start at the first page the far end does not have.
    /// </summary>
    public int ConfirmedRun(int firstPage)
    {
        var run = 0;
        while (Pages.Any(p => p.PageNumber == firstPage + run && p.Confirmation == PageConfirmation.Mcf))
        {
            run++;
        }

        return run;
    }

    /// <summary>Sent means: the call ended cleanly and every page was confirmed by MCF.</summary>
    public bool AllPagesConfirmed(int pageCount) => AllPagesConfirmed(pageCount, 1);

    /// <summary>The call ended cleanly and every page from <paramref name="firstPage"/> to <paramref name="pageCount"/> was confirmed by MCF.</summary>
    public bool AllPagesConfirmed(int pageCount, int firstPage) =>
        Failure == FailureKind.None && pageCount > 0 && firstPage >= 1 && firstPage <= pageCount
        && Pages.Count == pageCount - firstPage + 1 && ConfirmedRun(firstPage) == pageCount - firstPage + 1;
}

/// <summary>An incoming call seen by a line (RING plus caller id, if the line delivers it).</summary>
public sealed record IncomingCall
{
    public required string LineId { get; init; }
    public string CallerNumber { get; init; } = "";

    /// <summary>The dialled number (DID / DNIS) when the line knows it; otherwise empty and the line's number applies.</summary>
    public string CalledNumber { get; init; } = "";
    public required DateTimeOffset RingAt { get; init; }
}

/// <summary>Where and how to store a received fax.</summary>
public sealed record ReceiveTarget
{
    public required string SessionId { get; init; }

    /// <summary>Absolute path the line writes the received pages to, as TIFF-F (written whole, then closed).</summary>
    public required string TiffPath { get; init; }

    /// <summary>Our CSI.</summary>
    public required string LocalIdent { get; init; }

    /// <summary>
    /// The call's receive spool folder, when the daemon keeps one: the line writes each page it is about to confirm
    /// here (<see cref="Inbound.ReceivedPageFiles.Write"/>) BEFORE the confirmation (MCF) goes to the sender, and does
    /// not confirm a page it could not write. A daemon stopped after that loses no confirmed page.
    /// </summary>
    public string? PageDirectory { get; init; }
}

/// <summary>What the line returns after receiving.</summary>
public sealed record FaxReceiveResult
{
    public required FailureKind Failure { get; init; }

    /// <summary>Pages written to the target file (each confirmed to the sender with MCF).</summary>
    public required int PagesReceived { get; init; }

    /// <summary>The sender's TSI.</summary>
    public string RemoteIdent { get; init; } = "";
    public string HangupReason { get; init; } = "";
    public required DateTimeOffset StartedAt { get; init; }
    public required TimeSpan Duration { get; init; }
}
