using FaxGateway.Imaging;
using FaxGateway.Modems.At;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Class2;
using FaxGateway.Modems.Profiles;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Modems.Calls;

/// <summary>A ringing call: how many rings were counted and the caller id the modem reported.</summary>
public sealed record IncomingRing(int Rings, CallerId CallerId, DateTimeOffset FirstRingAt);

/// <summary>
/// One modem line that sends and receives fax calls, the same API for Class 1 (our <see cref="T30Session"/> over the
/// <see cref="Class1Modem"/> primitives) and Class 2/2.0 (the modem's own T.30 through <see cref="Class2Modem"/>).
/// Calls never throw for call outcomes (busy, no answer, T.30 failure, broken modem): the <see cref="FaxCallReport"/>
/// says what happened; only cancellation throws. One call at a time.
/// </summary>
/// <example>
/// <code>
/// // A simulated modem (in-process):
/// var line = new FaxLine(new ModemConnection(new StreamModemTransport(virtualModem.OpenPort(), "sim0"), profile), options);
/// // A device (serial, pty or tcp://host:port):
/// await using var line = await FaxLine.OpenAsync("/dev/ttyACM0", profile, options);
/// await line.InitializeAsync(ct);
/// var report = await line.SendAsync("5550101", pages, ct);
/// </code>
/// </example>
public sealed partial class FaxLine : IAsyncDisposable
{
    private readonly ILogger _logger;
    /// <summary>
    /// Ring cadences put at most about 6 s between RINGs (4 s ring, 2 s pause in North America; shorter elsewhere);
    /// a longer silence means the caller hung up before we answered.
    /// </summary>
    public static readonly TimeSpan RingGap = TimeSpan.FromSeconds(8);

    private readonly SemaphoreSlim _oneCall = new(1, 1);
    private readonly Lock _ringLock = new();
    private RingingCall _ring = RingingCall.None;
    private Class1Modem? _class1;
    private Class2Modem? _class2;

    /// <summary>A line over an open connection (any transport: in-process stream, serial, pty, TCP).</summary>
    public FaxLine(ModemConnection connection, FaxCallOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Options = options ?? new FaxCallOptions();
        Class = Options.Resolve(connection.Profile);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The modem connection.</summary>
    public ModemConnection Connection { get; }

    /// <summary>The line's settings.</summary>
    public FaxCallOptions Options { get; }

    /// <summary>The class calls run in.</summary>
    public FaxCallClass Class { get; }

    /// <summary>Raised for each page as soon as it has been received and judged.</summary>
    public event Action<ReceivedFaxPage>? PageReceived;

    /// <summary>Raised with each batch of T.30 commands the engine issues (Class 1), for tracing and measurements.</summary>
    public event Action<IReadOnlyList<T30Command>>? T30Commands;

    /// <summary>Class 1: time from a received frame to the start of our response (see <see cref="Class1FaxSession.ResponseLatency"/>).</summary>
    internal event Action<TimeSpan>? ResponseLatency;

    private TimeProvider Time => Connection.Time;

    /// <summary>Opens <paramref name="device"/> (a serial device or pty path, or tcp://host:port) with <paramref name="profile"/>.</summary>
    public static async Task<FaxLine> OpenAsync(string device, ModemProfile profile, FaxCallOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var connection = await ModemConnection.OpenAsync(device, profile, timeProvider, logger, cancellationToken).ConfigureAwait(false);
        return new FaxLine(connection, options, logger);
    }

    /// <summary>Resets the modem into the line's class (init strings from the profile, local id for Class 2/2.0).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (Class == FaxCallClass.Class1)
        {
            _class1 ??= new Class1Modem(Connection);
            await _class1.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _class2 ??= new Class2Modem(Connection, Class == FaxCallClass.Class2 ? Class2Dialect.Class2 : Class2Dialect.Class20);
            await _class2.InitializeAsync(Options.LocalIdent, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Dials <paramref name="number"/> and sends <paramref name="pages"/> (any resolution and width; re-coded for the call).</summary>
    public async Task<FaxCallReport> SendAsync(string number, IReadOnlyList<PageRaster> pages, CancellationToken cancellationToken)
    {
        var source = new FaxPageSource(pages);
        await _oneCall.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Class == FaxCallClass.Class1
                ? await SendClass1Async(number, source, cancellationToken).ConfigureAwait(false)
                : await SendClass2Async(number, source, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneCall.Release();
        }
    }

    /// <summary>Answers the ringing line now and receives. Pages are reported by <see cref="PageReceived"/> and in the report.</summary>
    public Task<FaxCallReport> ReceiveAsync(CancellationToken cancellationToken) => ReceiveAsync(null, cancellationToken);

    /// <summary>
    /// Answers the ringing line now and receives. <paramref name="keepPage"/> is called with each page judged good,
    /// before its confirmation (MCF) goes to the sender, to store it durably; when it returns false the page is
    /// treated as bad (RTN): a page the sender is told we have must be one we kept.
    /// </summary>
    public async Task<FaxCallReport> ReceiveAsync(Func<ReceivedFaxPage, bool>? keepPage, CancellationToken cancellationToken)
    {
        await _oneCall.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Class == FaxCallClass.Class1
                ? await ReceiveClass1Async(keepPage, cancellationToken).ConfigureAwait(false)
                : await ReceiveClass2Async(keepPage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneCall.Release();
        }
    }

    /// <summary>
    /// True while a call is ringing in and has not been answered: a RING came less than <see cref="RingGap"/> ago. The
    /// line must not dial out then (the exchange would connect the caller, not the number dialled).
    /// </summary>
    public bool IsRinging
    {
        get
        {
            lock (_ringLock)
            {
                return _ring.Rings > 0 && Time.GetUtcNow() - _ring.LastRingAt < RingGap;
            }
        }
    }

    /// <summary>
    /// Waits until the line has rung <paramref name="rings"/> times (caller id collected on the way). Answering on the
    /// first ring, it then waits up to the profile's <see cref="ModemProfile.CallerIdWait"/> for the caller id that
    /// follows that ring. Cancelling the wait (to look at the queue) keeps the rings and caller id counted so far: the
    /// next wait goes on with the same call, unless its RINGs stopped for longer than <see cref="RingGap"/>.
    /// </summary>
    public async Task<IncomingRing> WaitForRingAsync(int rings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rings, 1);
        while (true)
        {
            lock (_ringLock)
            {
                if (_ring.Rings > 0 && Time.GetUtcNow() - _ring.LastRingAt >= RingGap)
                {
                    // The caller hung up before we answered: that call is over.
                    _ring = RingingCall.None;
                }

                if (_ring.Rings >= rings)
                {
                    break;
                }
            }

            var line = await Connection.Channel.Unsolicited.ReadAsync(cancellationToken).ConfigureAwait(false);
            lock (_ringLock)
            {
                _ring = _ring.With(line, RingGap);
            }
        }

        RingingCall call;
        lock (_ringLock)
        {
            call = _ring;
        }

        var callerId = call.CallerId;
        if (call.Rings == 1 && callerId.Number is null && Connection.Profile.CallerIdWaitMs > 0)
        {
            callerId = await WaitForCallerIdAsync(callerId, cancellationToken).ConfigureAwait(false);
        }

        lock (_ringLock)
        {
            // Answered from here on: the next RING is a new call.
            _ring = RingingCall.None;
        }

        return new IncomingRing(call.Rings, callerId, call.FirstRingAt);
    }

    /// <summary>The call ringing in so far: rings counted, when, and its caller id.</summary>
    private sealed record RingingCall(int Rings, DateTimeOffset FirstRingAt, DateTimeOffset LastRingAt, CallerId CallerId)
    {
        public static readonly RingingCall None = new(0, DateTimeOffset.MinValue, DateTimeOffset.MinValue, CallerId.None);

        public RingingCall With(UnsolicitedLine line, TimeSpan ringGap)
        {
            if (line.Kind != UnsolicitedKind.Ring)
            {
                return this with { CallerId = CallerId.With(line) };
            }

            // A RING long after the last one starts a new call (the caller id read since belongs to it).
            return Rings > 0 && line.ReceivedAt - LastRingAt < ringGap
                ? this with { Rings = Rings + 1, LastRingAt = line.ReceivedAt }
                : new RingingCall(1, line.ReceivedAt, line.ReceivedAt, Rings > 0 ? CallerId.None : CallerId);
        }
    }

    /// <summary>Reads caller id lines until the number (and what is already buffered behind it) is in, or the wait ends.</summary>
    private async Task<CallerId> WaitForCallerIdAsync(CallerId callerId, CancellationToken cancellationToken)
    {
        using var wait = new CancellationTokenSource(Connection.Profile.CallerIdWait, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token);
        var unsolicited = Connection.Channel.Unsolicited;
        try
        {
            // A RING in between is the next ring of this call: it does not count, the caller id may still follow.
            while (callerId.Number is null)
            {
                callerId = callerId.With(await unsolicited.ReadAsync(linked.Token).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // No caller id (not subscribed, withheld, or reporting off): answer without it.
            return callerId;
        }

        // NAME= and the like right behind NMBR= belong to this call too.
        while (unsolicited.TryPeek(out var next) && next.Kind != UnsolicitedKind.Ring && unsolicited.TryRead(out next))
        {
            callerId = callerId.With(next);
        }

        return callerId;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        _oneCall.Dispose();
    }

    // ---------------------------------------------------------------- Class 1

    private T30SessionOptions SessionOptions(Class1Modem modem, CallRole role, IFaxPageSource? source, IFaxPageSink? sink) => new()
    {
        Role = role,
        LocalIdent = Options.LocalIdent,
        LocalCapabilities = Options.Capabilities(ModemsOf(modem)),
        PageSource = source,
        PageSink = sink,
        MaxRate = Options.MaxRate,
        UseEcm = Options.UseEcm,
        EcmFrameSize = Options.EcmFrameSize,
        RtnPolicy = Options.RtnPolicy,
        Timers = Options.Timers,
    };

    /// <summary>The modulations both directions of the modem offer (a V.29-only modem must not announce V.17).</summary>
    private static ModemSupport ModemsOf(Class1Modem modem)
    {
        var carriers = modem.TransmitCarriers.Intersect(modem.ReceiveCarriers).ToArray();
        if (carriers.Length == 0)
        {
            return ModemSupport.V27ter | ModemSupport.V29 | ModemSupport.V17;
        }

        var support = ModemSupport.V27terFallbackOnly;
        foreach (var carrier in carriers)
        {
            support |= carrier.Modulation() switch
            {
                FaxModulation.V17 => ModemSupport.V17,
                FaxModulation.V29 => ModemSupport.V29,
                _ => carrier == Class1Carrier.V27ter4800 ? ModemSupport.V27ter : ModemSupport.V27terFallbackOnly,
            };
        }

        return support;
    }

    private Class1Modem Class1Driver => _class1 ?? throw new InvalidOperationException("Initialise the line first.");

    private Class2Modem Class2Driver => _class2 ?? throw new InvalidOperationException("Initialise the line first.");

    private async Task<FaxCallReport> SendClass1Async(string number, FaxPageSource source, CancellationToken cancellationToken)
    {
        var modem = Class1Driver;
        var started = Time.GetUtcNow();
        Class1CallResult dial;
        try
        {
            dial = await modem.DialAsync(number, cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException ex)
        {
            return Report(FaxDirection.Send, CallOutcome.Error, ex.Message, null, [], ex, started);
        }

        if (!dial.Connected)
        {
            await HangupAfterFailedCallAsync(cancellationToken).ConfigureAwait(false);
            return Report(FaxDirection.Send, dial.Outcome, dial.ResultText, null, [], null, started);
        }

        var session = new T30Session(SessionOptions(modem, CallRole.Caller, source, null), Time, _logger);
        return await RunClass1Async(FaxDirection.Send, modem, session, dial.ResultText, null, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FaxCallReport> ReceiveClass1Async(Func<ReceivedFaxPage, bool>? keepPage, CancellationToken cancellationToken)
    {
        var modem = Class1Driver;
        var started = Time.GetUtcNow();
        Class1CallResult answer;
        try
        {
            answer = await modem.AnswerAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException ex)
        {
            return Report(FaxDirection.Receive, CallOutcome.Error, ex.Message, null, [], ex, started);
        }

        if (!answer.Connected)
        {
            await HangupAfterFailedCallAsync(cancellationToken).ConfigureAwait(false);
            return Report(FaxDirection.Receive, answer.Outcome, answer.ResultText, null, [], null, started);
        }

        var sink = NewSink(keepPage);
        var session = new T30Session(SessionOptions(modem, CallRole.Answerer, null, sink), Time, _logger);
        return await RunClass1Async(FaxDirection.Receive, modem, session, answer.ResultText, sink, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FaxCallReport> RunClass1Async(FaxDirection direction, Class1Modem modem, T30Session session, string connectText, FaxPageReceiver? sink, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var runner = new Class1FaxSession(modem, session, Options.Timers);
        if (T30Commands is { } trace)
        {
            runner.Commands += trace;
        }

        if (ResponseLatency is { } latency)
        {
            runner.ResponseLatency += latency;
        }

        FaxCallResult result;
        ModemException? fault = null;
        try
        {
            result = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException ex)
        {
            fault = ex;
            Log.CallBroken(_logger, Connection.Name, ex.Message);
            result = await runner.AbortAsync(lineUsable: !Connection.IsBroken, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(15), Time);
            await runner.AbortAsync(lineUsable: !Connection.IsBroken && !Connection.Channel.InDataMode, budget.Token).ConfigureAwait(false);
            throw;
        }

        return Report(direction, CallOutcome.Connected, connectText, result, sink?.Pages ?? [], fault, started);
    }

    private FaxPageReceiver NewSink(Func<ReceivedFaxPage, bool>? keepPage)
    {
        var sink = new FaxPageReceiver(Options.CopyQuality) { KeepPage = keepPage };
        sink.PageReceived += page => PageReceived?.Invoke(page);
        return sink;
    }

    private async Task HangupAfterFailedCallAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Connection.HangupAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException)
        {
            // Already broken and reported through the connection's Break.
        }
    }

    private FaxCallReport Report(FaxDirection direction, CallOutcome outcome, string text, FaxCallResult? result, IReadOnlyList<ReceivedFaxPage> pages, ModemException? fault, DateTimeOffset started)
    {
        var report = new FaxCallReport
        {
            Direction = direction,
            Class = Class,
            Connection = outcome,
            ConnectionText = text,
            Session = result,
            ReceivedPages = pages,
            LineFault = fault,
            Started = started,
            Duration = Time.GetUtcNow() - started,
        };
        Log.CallEnded(_logger, Connection.Name, direction, report.HangupText, report.PagesConfirmed);
        return report;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "{Line}: the call broke: {Detail}")]
        public static partial void CallBroken(ILogger logger, string line, string detail);

        [LoggerMessage(EventId = 3602, Level = LogLevel.Information, Message = "{Line}: {Direction} call ended: {Hangup}, {Pages} page(s) confirmed")]
        public static partial void CallEnded(ILogger logger, string line, FaxDirection direction, string hangup, int pages);
    }
}
