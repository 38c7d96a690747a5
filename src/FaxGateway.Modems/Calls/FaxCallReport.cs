using FaxGateway.Protocol.Session;

namespace FaxGateway.Modems.Calls;

/// <summary>Which way the document went.</summary>
public enum FaxDirection
{
    /// <summary>We dialled and sent.</summary>
    Send,

    /// <summary>We answered and received.</summary>
    Receive,
}

/// <summary>
/// Everything one call did, the same for Class 1 (our T.30 engine) and Class 2/2.0 (the modem's): whether the
/// line connected, the engine's <see cref="FaxCallResult"/> (per page: coding, resolution, rate, bad lines or resent
/// frames, outcome; remote ident; hangup reason; durations), the pages received, and a modem failure if the line
/// broke. A page counts as sent only with <see cref="PageOutcome.Confirmed"/> (MCF).
/// </summary>
public sealed record FaxCallReport
{
    /// <summary>Send or receive.</summary>
    public required FaxDirection Direction { get; init; }

    /// <summary>The class the call ran in.</summary>
    public required FaxCallClass Class { get; init; }

    /// <summary>How the dial or answer ended (Connected, Busy, NoAnswer, NoCarrier, NoDialtone, Error, DialBarred).</summary>
    public required CallOutcome Connection { get; init; }

    /// <summary>The modem's words for it ("CONNECT", "BUSY", "OK").</summary>
    public string ConnectionText { get; init; } = string.Empty;

    /// <summary>The T.30 outcome: pages, remote ident and capabilities, hangup reason, timings. Null when the call never connected.</summary>
    public FaxCallResult? Session { get; init; }

    /// <summary>Receive: every page that arrived, with its picture and verdict (accepted ones were answered MCF).</summary>
    public IReadOnlyList<ReceivedFaxPage> ReceivedPages { get; init; } = [];

    /// <summary>The modem failure that ended the call, if the line broke (vanished port, modem stopped answering, garbage).</summary>
    public ModemException? LineFault { get; init; }

    /// <summary>When the call started (dial or answer).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>From dial/answer to hangup.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Per page results (empty when the call never connected).</summary>
    public IReadOnlyList<FaxPageResult> Pages => Session?.Pages ?? [];

    /// <summary>The far end's CSI (send) or TSI (receive), trimmed.</summary>
    public string RemoteIdent => Session?.RemoteIdent?.Trim() ?? string.Empty;

    /// <summary>The T.30 hangup reason (from the engine, or the modem's +FHS/+FHNG).</summary>
    public HangupReason? Reason => Session?.Reason;

    /// <summary>Send: every page confirmed by MCF/RTP and a normal end; receive: at least one page accepted and a normal end.</summary>
    public bool Success => Connection == CallOutcome.Connected && LineFault is null && Session is { Success: true };

    /// <summary>Pages the far end confirmed (send) or we accepted (receive).</summary>
    public int PagesConfirmed => Session?.PagesConfirmed ?? 0;

    /// <summary>Why the call ended, in words for logs and job records: "BUSY", "T.30 Normal (+FHS:00)", "modem: ...".</summary>
    public string HangupText => LineFault is not null ? "modem: " + LineFault.Message
        : Connection != CallOutcome.Connected ? (ConnectionText.Length > 0 ? ConnectionText : Connection.ToString())
        : Session is { } s ? $"T.30 {s.Reason} (+FHS:{s.Reason.ToFhs():X2})"
        : "no T.30 result";
}
