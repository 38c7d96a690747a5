using System.Globalization;
using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Metrics;
using FaxGateway.Core.Model;
using FaxLine = FaxGateway.Modems.Calls.FaxLine;
using IncomingCall = FaxGateway.Core.Lines.IncomingCall;
using FaxGateway.Documents.Rendering;
using FaxGateway.Imaging;
using FaxGateway.Modems;
using FaxGateway.Modems.Calls;
using FaxGateway.Protocol.Session;
using CorePageOutcome = FaxGateway.Core.Lines.PageOutcome;
using T30PageOutcome = FaxGateway.Protocol.Session.PageOutcome;

namespace FaxGateway.Hosting;

/// <summary>
/// A modem line as the daemon's line workers see it (<see cref="IFaxLine"/>), over the fax call API of the
/// modems layer (<see cref="FaxLine"/>: Class 1 with our T.30 engine, or Class 2/2.0). Reads the stored TIFF-F
/// pages, stamps the header line at send time, and turns the call report into what the job lifecycle needs;
/// feeds the line-health metrics from every call.
/// </summary>
internal sealed class ModemFaxLine(
    string lineId,
    FaxLine line,
    int rings,
    PageHeaderLine header,
    FaxMetrics metrics,
    LineActivity activity,
    CallTraceRecorder recorder,
    ICallTraceStore traces,
    TimeProvider time) : IFaxLine
{

    private DateTimeOffset _ignoreRingsUntil = DateTimeOffset.MinValue;
    private int? _lastTcfBitsPerSecond;
    private int _breaksBefore;

    /// <summary>Feeds the line's modem-level metrics: AT command latency, and trainings and fallbacks from T.30.</summary>
    public ModemFaxLine Observed()
    {
        line.Connection.Channel.CommandCompleted += (verb, elapsed) => metrics.ModemCommand(LineId, verb, elapsed);
        line.T30Commands += OnT30Commands;
        return this;
    }

    public string LineId { get; } = lineId;

    public bool IsRinging => line.IsRinging;

    public async Task<FaxSendResult> SendAsync(OutboundFax fax, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fax);
        var started = time.GetUtcNow();
        IReadOnlyList<PageRaster> pages;
        try
        {
            // A resumed job sends only the pages from FirstPage on: the far end confirmed the others in earlier calls.
            var document = TiffFax.Read(fax.TiffPath);
            if (fax.FirstPage < 1 || fax.FirstPage > document.Count)
            {
                throw new InvalidDataException($"the document has {document.Count} page(s), the call was to start at page {fax.FirstPage}");
            }

            pages = [.. document.Skip(fax.FirstPage - 1).Select(p => p.Raster)];
        }
        catch (Exception e) when (e is FaxCodingException or IOException or InvalidDataException)
        {
            // The stored document is unreadable: no call is made; the job fails as a protocol error on our side.
            return new FaxSendResult
            {
                Failure = FailureKind.ProtocolError,
                Pages = [.. Enumerable.Range(fax.FirstPage, Math.Max(fax.PagesToSend, 1)).Select(n => new CorePageOutcome(n, PageConfirmation.NotSent))],
                HangupReason = "stored document unreadable: " + e.Message,
                StartedAt = started,
                Duration = time.GetUtcNow() - started,
            };
        }

        // The header keeps the document's page numbers: resumed at page 3 of 3, the page says "3 of 3".
        header.Stamp(pages, new PageHeaderFields
        {
            SenderNumber = fax.LocalIdent, RecipientNumber = fax.Destination, JobId = fax.JobId,
            FirstPage = fax.FirstPage, DocumentPages = Math.Max(fax.PageCount, fax.FirstPage - 1 + pages.Count),
        });
        using var busy = activity.InCall(LineId);
        StartCall();
        var range = fax.FirstPage == 1 ? "" : $" (pages {fax.FirstPage}-{fax.FirstPage - 1 + pages.Count} of {fax.PageCount}, resumed)";
        recorder.Begin($"send job {fax.JobId} session {fax.SessionId}: {pages.Count} page(s){range} to {fax.Destination} on line {LineId}");
        FaxCallReport report;
        try
        {
            report = await line.SendAsync(Dialable(fax.Destination), pages, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await SaveTraceAsync(fax.SessionId).ConfigureAwait(false);
        }

        var outcomes = PageOutcomes(report, pages.Count, fax.FirstPage);
        var failure = SendFailure(report, outcomes);
        Record(report, "send", failure);
        return new FaxSendResult
        {
            Failure = failure,
            Pages = outcomes,
            RemoteIdent = report.RemoteIdent,
            HangupReason = report.HangupText,
            StartedAt = report.Started,
            Duration = report.Duration,
        };
    }

    public async Task<IncomingCall> WaitForCallAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var ring = await line.WaitForRingAsync(rings, cancellationToken).ConfigureAwait(false);
            if (ring.FirstRingAt <= _ignoreRingsUntil)
            {
                // Still the call we refused: let it ring out.
                _ignoreRingsUntil = time.GetUtcNow() + FaxLine.RingGap;
                continue;
            }

            return new IncomingCall
            {
                LineId = LineId,
                CallerNumber = ring.CallerId.Number ?? string.Empty,
                CalledNumber = ring.CallerId.CalledNumber ?? string.Empty,
                RingAt = ring.FirstRingAt,
            };
        }
    }

    public async Task<FaxReceiveResult> ReceiveAsync(IncomingCall call, ReceiveTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var busy = activity.InCall(LineId);
        StartCall();
        recorder.Begin($"receive session {target.SessionId} on line {LineId} from {call?.CallerNumber}");
        FaxCallReport report;
        var kept = 0;
        try
        {
            report = await line.ReceiveAsync(target.PageDirectory is null ? null : KeepPage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await SaveTraceAsync(target.SessionId).ConfigureAwait(false);
        }

        // Runs on the call's own flow between the end of the page and its MCF (a few ms for an MMR page and an fsync,
        // well inside T.30's 3 s response budget).
        bool KeepPage(ReceivedFaxPage page)
        {
            ReceivedPageFiles.Write(target.PageDirectory!, ++kept, stream => TiffFax.Write(stream, [page.Page], FaxCodingOptions.Mmr));
            return true;
        }

        var accepted = report.ReceivedPages.Where(p => p.Accepted).Select(p => p.Page).ToArray();
        if (accepted.Length > 0)
        {
            // Written whole, then closed: the inbound service commits the file atomically afterwards.
            // (LibTiff reads back its directory chain while writing multi-page files: the stream must be read/write.)
            await using var file = new FileStream(target.TiffPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            TiffFax.Write(file, accepted, FaxCodingOptions.Mmr);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var failure = report.LineFault is not null ? FailureKind.LineFault
            : report.Connection != CallOutcome.Connected ? FailureKind.NoCarrier
            : report.Session is { Success: true } ? FailureKind.None
            : accepted.Length > 0 ? FailureKind.PartialPages
            : FailureKind.ProtocolError;
        Record(report, "receive", failure);
        return new FaxReceiveResult
        {
            Failure = failure,
            PagesReceived = accepted.Length,
            RemoteIdent = report.RemoteIdent,
            HangupReason = report.HangupText,
            StartedAt = report.Started,
            Duration = report.Duration,
        };
    }

    public Task RejectAsync(IncomingCall call, CancellationToken cancellationToken)
    {
        // Refused calls are not answered (no charge to the caller); the rest of their RINGs are ignored.
        _ignoreRingsUntil = time.GetUtcNow() + FaxLine.RingGap;
        metrics.CallEnded(LineId, "receive", "rejected");
        return Task.CompletedTask;
    }

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await line.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ModemException)
        {
            metrics.ModemReset(LineId);
            return false;
        }
    }

    public ValueTask DisposeAsync() => line.DisposeAsync();

    private void StartCall()
    {
        _lastTcfBitsPerSecond = null;
        _breaksBefore = line.Connection.BreakCount;
    }

    // A second TCF in one call means the first training failed (FTT, or no CFR); at a lower rate it is a
    // fallback. As the receiver, every FTT we send is a training judged bad.
    private void OnT30Commands(IReadOnlyList<Protocol.Session.T30Command> batch)
    {
        foreach (var command in batch)
        {
            if (command is Protocol.Session.SendTcf tcf)
            {
                var bps = tcf.Rate.BitsPerSecond;
                if (_lastTcfBitsPerSecond is { } previous)
                {
                    metrics.TrainingFailed(LineId);
                    if (bps < previous)
                    {
                        metrics.Fallback(LineId, bps);
                    }
                }

                _lastTcfBitsPerSecond = bps;
            }
            else if (command is Protocol.Session.SendFrames frames && frames.Frames.Any(f => f.Type == Protocol.Frames.FrameType.Ftt))
            {
                metrics.TrainingFailed(LineId);
            }
        }
    }

    /// <summary>A metric label from an enum name of a closed set: NoCarrier becomes no_carrier.</summary>
    internal static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsUpper(name[i - 1]))
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    private async Task SaveTraceAsync(string sessionId)
    {
        var trace = recorder.End();
        try
        {
            // Not cancellable: the trace of a call cut short is the one most worth keeping.
            await traces.SaveAsync(sessionId, trace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A full disk must not turn a delivered fax into a failed one; the daemon's log has the events.
        }
    }

    /// <summary>The digits a modem dials: E.164 '+' and formatting dropped; pauses (',') and '*', '#' kept.</summary>
    internal static string Dialable(string number) =>
        new([.. number.Where(c => char.IsAsciiDigit(c) || c is ',' or '*' or '#' or 'W' or 'w')]);

    /// <summary>
    /// One outcome per page sent in the call, numbered as pages of the document (the call's page index 0 is
    /// document page <paramref name="firstPage"/>); the last attempt at a page decides.
    /// </summary>
    internal static IReadOnlyList<CorePageOutcome> PageOutcomes(FaxCallReport report, int pageCount, int firstPage = 1)
    {
        var outcomes = new CorePageOutcome[pageCount];
        for (var i = 0; i < pageCount; i++)
        {
            var last = report.Pages.LastOrDefault(p => p.PageIndex == i);
            outcomes[i] = last is null
                ? new CorePageOutcome(firstPage + i, PageConfirmation.NotSent)
                : new CorePageOutcome(firstPage + i, Confirmation(last.Outcome), last.Rate.BitsPerSecond);
        }

        return outcomes;
    }

    // RTP and PIP both confirm the page was received well (T.30 5.3.6.1.7): they count as confirmed,
    // otherwise a retry would send the far end the same page twice.
    private static PageConfirmation Confirmation(T30PageOutcome outcome) => outcome switch
    {
        T30PageOutcome.Confirmed or T30PageOutcome.ConfirmedRetrain or T30PageOutcome.ConfirmedInterrupt => PageConfirmation.Mcf,
        T30PageOutcome.Rejected or T30PageOutcome.RejectedIgnored => PageConfirmation.Rtn,
        _ => PageConfirmation.NoResponse,
    };

    private static FailureKind SendFailure(FaxCallReport report, IReadOnlyList<CorePageOutcome> pages)
    {
        if (report.LineFault is not null)
        {
            return FailureKind.LineFault;
        }

        return report.Connection switch
        {
            CallOutcome.Busy => FailureKind.Busy,
            CallOutcome.NoAnswer => FailureKind.NoAnswer,
            CallOutcome.NoCarrier => FailureKind.NoCarrier,
            CallOutcome.Connected when report.Success && pages.All(p => p.Confirmation == PageConfirmation.Mcf) => FailureKind.None,
            CallOutcome.Connected when pages.Any(p => p.Confirmation == PageConfirmation.Mcf) => FailureKind.PartialPages,
            CallOutcome.Connected => FailureKind.ProtocolError,
            _ => FailureKind.LineFault,
        };
    }

    private void Record(FaxCallReport report, string direction, FailureKind failure)
    {
        var result = failure switch
        {
            FailureKind.None => "ok",
            FailureKind.Busy => "busy",
            FailureKind.NoAnswer => "no_answer",
            FailureKind.NoCarrier => "no_carrier",
            FailureKind.LineFault => "line_fault",
            FailureKind.PartialPages => "partial",
            _ => "failed",
        };
        metrics.CallEnded(LineId, direction, result);
        if (failure == FailureKind.None)
        {
            activity.Succeeded(LineId, time.GetUtcNow());
        }
        else
        {
            var reason = report.LineFault is not null ? "modem_fault"
                : report.Connection != CallOutcome.Connected ? SnakeCase(report.Connection.ToString())
                : report.Reason is { } r ? SnakeCase(r.ToString())
                : "unknown";
            metrics.CallFailed(LineId, reason);
        }

        if (report.LineFault is not null)
        {
            metrics.ModemDisconnected(LineId);
        }

        for (var i = _breaksBefore; i < line.Connection.BreakCount; i++)
        {
            metrics.ModemReset(LineId);
        }

        var confirmed = report.Pages.Count(p => p.IsConfirmed);
        if (confirmed > 0)
        {
            metrics.PagesConfirmed(LineId, direction, confirmed);
        }

        foreach (var page in report.Pages)
        {
            if (page.Outcome is T30PageOutcome.Rejected or T30PageOutcome.RejectedIgnored or T30PageOutcome.ReceivedBad)
            {
                metrics.Rtn(LineId, direction);
            }

            if (page.Attempts > 1)
            {
                metrics.PageRetransmitted(LineId);
            }

            if (page.ResentFrames > 0)
            {
                metrics.EcmFramesResent(LineId, page.ResentFrames);
            }
        }
    }
}

/// <summary>The modem lines of the configuration (section <c>Modems</c>).</summary>
internal sealed class ModemLineOptions
{
    public const string SectionName = "Modems";

    /// <summary>A folder of extra or overriding profiles (*.json); the shipped ones are built in.</summary>
    public string? ProfileDirectory { get; set; }

    /// <summary>The header line stamped on every page sent (fields: see docs/documents.md).</summary>
    public string HeaderFormat { get; set; } = PageHeaderLine.DefaultFormat;

    /// <summary>Time zone of the header line's date (IANA id).</summary>
    public string TimeZone { get; set; } = "UTC";

    public List<ModemLineConfig> Lines { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in Lines)
        {
            if (string.IsNullOrWhiteSpace(l.Id) || !ids.Add(l.Id))
            {
                yield return $"Modems:Lines: every line needs a unique Id (\"{l.Id}\").";
            }

            if (string.IsNullOrWhiteSpace(l.Device))
            {
                yield return $"Modems:Lines:{l.Id}: Device is required (a serial device, a pty path or tcp://host:port).";
            }

            if (string.IsNullOrWhiteSpace(l.Number))
            {
                yield return $"Modems:Lines:{l.Id}: Number (the line's own fax number) is required.";
            }

            if (l.Rings is < 1 or > 20)
            {
                yield return $"Modems:Lines:{l.Id}: Rings must be between 1 and 20.";
            }

            if (ParseClass(l.Class) is null)
            {
                yield return $"Modems:Lines:{l.Id}: Class must be auto, 1, 2 or 2.0 (was \"{l.Class}\").";
            }
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _) is false)
        {
            yield return $"Modems:TimeZone: unknown time zone \"{TimeZone}\".";
        }
    }

    internal static FaxCallClass? ParseClass(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" or "" => FaxCallClass.Auto,
        "1" or "1.0" => FaxCallClass.Class1,
        "2" => FaxCallClass.Class2,
        "2.0" => FaxCallClass.Class20,
        _ => null,
    };
}

/// <summary>One configured modem.</summary>
internal sealed class ModemLineConfig
{
    public string Id { get; set; } = "";

    /// <summary>/dev/ttyACM0, /dev/fax/line1, a pty, or tcp://host:port (ser2net).</summary>
    public string Device { get; set; } = "";

    /// <summary>Profile name (hardware/modems/NAME.json); "auto" probes the modem and picks the matching one.</summary>
    public string Profile { get; set; } = "auto";

    /// <summary>The line's own number (E.164), also its CSI/TSI.</summary>
    public string Number { get; set; } = "";

    public string Class { get; set; } = "auto";

    public bool Ecm { get; set; } = true;

    /// <summary>Rings before answering.</summary>
    public int Rings { get; set; } = 2;

    public bool CanSend { get; set; } = true;

    public bool CanReceive { get; set; } = true;
}

/// <summary>Opens the configured modems.</summary>
internal sealed class ConfiguredModemLineFactory(
    ModemLineOptions options,
    FaxMetrics metrics,
    LineActivity activity,
    ICallTraceStore traces,
    TimeProvider time,
    ILoggerFactory loggers) : IFaxLineFactory
{
    public IReadOnlyList<FaxLineDescriptor> Lines { get; } =
        [.. options.Lines.Select(l => new FaxLineDescriptor(l.Id, l.Number, l.CanSend, l.CanReceive))];

    public async Task<IFaxLine> OpenAsync(string lineId, CancellationToken cancellationToken)
    {
        var config = options.Lines.Single(l => l.Id == lineId);
        var logger = new CallTraceRecorder(loggers.CreateLogger("FaxGateway.Line." + lineId), time);
        var profile = await ModemLineProfiles.ResolveAsync(config.Profile, config.Device, options.ProfileDirectory, cancellationToken).ConfigureAwait(false);
        var callOptions = new FaxCallOptions
        {
            LocalIdent = config.Number,
            Class = ModemLineOptions.ParseClass(config.Class) ?? FaxCallClass.Auto,
            UseEcm = config.Ecm,
        };
        var line = await FaxLine.OpenAsync(config.Device, profile, callOptions, time, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            await line.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await line.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ModemFaxLine(lineId, line, config.Rings, ModemLineProfiles.Header(options, time), metrics, activity, logger, traces, time).Observed();
    }
}

/// <summary>
/// <c>faxgw run --simulate N</c>: N virtual Class 1 modems on a virtual PSTN (fast mode), each driven by
/// the same call API and T.30 engine as a real modem; only the wire is simulated.
/// </summary>
internal sealed class SimulatedLineFactory : IFaxLineFactory, IAsyncDisposable
{
    private readonly FaxGateway.Simulator.SimulatorHost _simulator;
    private readonly ModemLineOptions _options;
    private readonly FaxMetrics _metrics;
    private readonly LineActivity _activity;
    private readonly ICallTraceStore _traces;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public SimulatedLineFactory(int modems, bool realTime, ModemLineOptions options, FaxMetrics metrics, LineActivity activity, ICallTraceStore traces, TimeProvider time, ILoggerFactory loggers)
    {
        _simulator = FaxGateway.Simulator.SimulatorHost.StartInProcess(modems, new FaxGateway.Simulator.Line.PstnOptions { RealTime = realTime }, time, loggers);
        _options = options;
        _metrics = metrics;
        _activity = activity;
        _traces = traces;
        _time = time;
        _loggers = loggers;
        Lines = [.. _simulator.Ports.Select((p, i) => new FaxLineDescriptor("sim" + i.ToString(CultureInfo.InvariantCulture), p.Number))];
    }

    public IReadOnlyList<FaxLineDescriptor> Lines { get; }

    /// <summary>The simulated exchange, for tests that inject faults.</summary>
    public FaxGateway.Simulator.SimulatorHost Exchange => _simulator;

    public async Task<IFaxLine> OpenAsync(string lineId, CancellationToken cancellationToken)
    {
        var index = Lines.Select((l, i) => (l, i)).Single(x => x.l.LineId == lineId).i;
        var port = _simulator.Ports[index];
        var logger = new CallTraceRecorder(_loggers.CreateLogger("FaxGateway.Line." + lineId), _time);
        var profile = ModemLineProfiles.BuiltIn("simulator");
        var connection = new ModemConnection(new Modems.Transport.StreamModemTransport(port.Stream!, lineId), profile, _time, logger);
        var line = new FaxLine(connection, new FaxCallOptions { LocalIdent = port.Number, Class = FaxCallClass.Class1 }, logger);
        await line.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return new ModemFaxLine(lineId, line, rings: 1, ModemLineProfiles.Header(_options, _time), _metrics, _activity, logger, _traces, _time).Observed();
    }

    public ValueTask DisposeAsync() => _simulator.DisposeAsync();
}

internal static class ModemLineProfiles
{
    public static Modems.Profiles.ModemProfile BuiltIn(string name) =>
        Modems.Profiles.ModemProfileLoader.LoadBuiltIn().SingleOrDefault(p => p.Name == name)
        ?? throw new InvalidOperationException($"the built-in modem profile \"{name}\" is missing from this build.");

    public static async Task<Modems.Profiles.ModemProfile> ResolveAsync(string name, string device, string? directory, CancellationToken cancellationToken)
    {
        var all = Modems.Profiles.ModemProfileLoader.LoadBuiltIn().ToDictionary(p => p.Name, StringComparer.Ordinal);
        if (directory is not null && Directory.Exists(directory))
        {
            foreach (var p in Modems.Profiles.ModemProfileLoader.LoadDirectory(directory))
            {
                all[p.Name] = p;
            }
        }

        if (!string.Equals(name, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return all.TryGetValue(name, out var named) ? named
                : throw new InvalidOperationException($"no modem profile named \"{name}\" (built in: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))}).");
        }

        // Probe the modem (identification, classes) and take the built-in profile it matches.
        return await Cli.FaxCallCli.ResolveProfileAsync(device, null, cancellationToken).ConfigureAwait(false);
    }

    public static PageHeaderLine Header(ModemLineOptions options, TimeProvider time) =>
        new(options.HeaderFormat, TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone), time);
}
