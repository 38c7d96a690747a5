using System.Globalization;
using System.Text;
using System.Threading.Channels;
using FaxGateway.Modems.Framing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Modems.At;

/// <summary>
/// The AT command channel of one modem port (design example 8): one read loop owns the stream's input and
/// splits it into response lines, unsolicited lines (<see cref="Unsolicited"/>) and, after a CONNECT that
/// starts received data, DLE-decoded data chunks with backpressure. One command is in flight at a time: callers
/// take an <see cref="AtLease"/> (a <see cref="SemaphoreSlim"/>(1,1)) and run a command, data and result through it.
/// Every wait has a timeout on the injected <see cref="TimeProvider"/> and honours a <see cref="CancellationToken"/>.
/// </summary>
public sealed class AtChannel : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly AtChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<UnsolicitedLine> _unsolicited = Channel.CreateUnbounded<UnsolicitedLine>(new UnboundedChannelOptions { SingleWriter = true });
    // Not single-reader: only the multi-reader unbounded channel can count its items (TrimIdleLines).
    private readonly Channel<AtLine> _lines = Channel.CreateUnbounded<AtLine>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<DataChunk> _data;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly StringBuilder _line = new();
    private readonly Task _readLoop;
    private DleDecoder _dle;
    private volatile bool _dataMode;
    private volatile bool _connectStartsData;
    private volatile bool _numeric;
    private volatile string? _pendingEcho;
    private bool _swallowLineFeed;
    private bool _lineHasControl;
    private bool _dleInCommandMode;
    private long _dataBytes;
    private TaskCompletionSource _xon = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile TaskCompletionSource? _xoffGate;

    /// <summary>Starts the read loop on <paramref name="stream"/>; the channel owns the stream from now on.</summary>
    public AtChannel(Stream stream, string name, AtChannelOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Name = name;
        _options = options ?? new AtChannelOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _numeric = _options.NumericResults;
        _data = Channel.CreateBounded<DataChunk>(new BoundedChannelOptions(_options.DataBufferChunks)
        {
            SingleWriter = true,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The port name for logs and errors.</summary>
    public string Name { get; }

    /// <summary>RING and caller id lines, in arrival order.</summary>
    public ChannelReader<UnsolicitedLine> Unsolicited => _unsolicited.Reader;

    /// <summary>The time source of every timeout.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>
    /// Raised when a command has its final result, with the command's verb (<c>+FRH</c>, <c>D</c>, <c>Z</c>: never
    /// its arguments, so never a dialled number) and the time from sending it to its result. For line metrics.
    /// </summary>
    public event Action<string, TimeSpan>? CommandCompleted;

    /// <summary>The verb of an AT command line: the extended command name, or the first basic command letter.</summary>
    public static string Verb(string command)
    {
        var body = command.StartsWith("AT", StringComparison.OrdinalIgnoreCase) ? command[2..] : command;
        if (body.Length == 0)
        {
            return "AT";
        }

        if (body[0] is '+' or '&' or '#')
        {
            var end = body.IndexOfAny(['=', '?', ';']);
            return (end < 0 ? body : body[..end]).ToUpperInvariant();
        }

        return char.ToUpperInvariant(body[0]).ToString();
    }

    /// <summary>True while bytes from the modem are data (between CONNECT and <c>&lt;DLE&gt;&lt;ETX&gt;</c>).</summary>
    public bool InDataMode => _dataMode;

    /// <summary>Lines that were not valid AT responses.</summary>
    public long GarbageLines { get; private set; }

    /// <summary>
    /// <c>&lt;DLE&gt;&lt;ETX&gt;</c> pairs that came while no data was expected. spandsp's T.31 (iaxmodem, t38modem)
    /// closes a receive it still thinks open when the carrier drops, after the frame's own end and OK: the pair ends
    /// nothing, so it is dropped instead of being read as a garbage line that breaks the call.
    /// </summary>
    public long StrayEndMarkers { get; private set; }

    /// <summary>Stale lines thrown away at the start of a command (late answers to timed-out commands, noise).</summary>
    public long StaleLines { get; private set; }

    /// <summary>True while the modem's XOFF holds our writes (software flow control only).</summary>
    public bool IsHeldByXoff => _xoffGate is not null;

    /// <summary>Completes when the read loop ends (port closed or channel disposed).</summary>
    public Task Completion => _readLoop;

    /// <summary>Takes the channel for one exchange; dispose the lease to let the next one in.</summary>
    public async Task<AtLease> AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token, _shutdown.Token);
        try
        {
            await _gate.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (_shutdown.IsCancellationRequested)
            {
                throw new ModemException(ModemFailure.PortClosed, $"{Name}: the AT channel is closed");
            }

            throw new ModemException(ModemFailure.Timeout, $"{Name}: another command kept the modem busy for {timeout.TotalSeconds:0.###} s");
        }

        return new AtLease(this);
    }

    /// <summary>Runs one basic command and returns its response (any final result; the caller judges it).</summary>
    public async Task<AtResponse> ExecuteAsync(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? _options.DefaultTimeout;
        await using var lease = await AcquireAsync(wait, cancellationToken).ConfigureAwait(false);
        return await lease.CommandAsync(command, AtCommandKind.Basic, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one command that must answer OK; anything else throws <see cref="ModemException"/>.</summary>
    public async Task<AtResponse> ExecuteOkAsync(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var response = await ExecuteAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            throw new ModemException(AtResultTable.ToFailure(response.Result), $"{Name}: {command} answered {response.ResultText}");
        }

        return response;
    }

    /// <summary>
    /// Leaves data mode and forgets buffered lines and data: the first step of a break. Safe to call while an
    /// operation is stuck; the operation's next read fails or finds nothing.
    /// </summary>
    public void ResetToCommandMode()
    {
        _dataMode = false;
        _connectStartsData = false;
        _pendingEcho = null;
        Interlocked.Exchange(ref _xoffGate, null)?.TrySetResult();
        while (_data.Reader.TryRead(out _))
        {
        }

        DrainLines();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The loop ends by the stream closing under it: expected at shutdown.
        }

        _shutdown.Dispose();
    }

    internal async Task<AtResponse> CommandCoreAsync(string command, AtCommandKind kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_dataMode)
        {
            throw new ModemException(ModemFailure.LineBroken, $"{Name}: {command} while the modem is still sending data");
        }

        DrainLines();
        FollowResultFormat(command);
        _connectStartsData = kind == AtCommandKind.ReceiveData;
        _pendingEcho = command;
        _xon = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ModemLog.CommandSent(_logger, Name, command);
        var started = _time.GetTimestamp();
        await WriteCoreAsync(Encoding.ASCII.GetBytes(command + "\r"), timeout, cancellationToken).ConfigureAwait(false);
        var response = await ReadResultCoreAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        CommandCompleted?.Invoke(Verb(command), _time.GetElapsedTime(started));
        return response;
    }

    internal async Task<AtResponse> ReadResultCoreAsync(string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var lines = new List<string>();
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                if (line.Garbage)
                {
                    throw new ModemException(ModemFailure.Garbage, $"{Name}: garbage from the modem after {what}: \"{line.Text}\"");
                }

                if (AtResultTable.TryParse(line.Text, line.Numeric, out var code))
                {
                    _pendingEcho = null;
                    return new AtResponse(code, lines, line.Text);
                }

                lines.Add(line.Text);
                if (lines.Count > _options.MaxInformationLines)
                {
                    throw new ModemException(ModemFailure.Garbage, $"{Name}: more than {_options.MaxInformationLines} lines without a result code after {what}");
                }
            }
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ModemException(ModemFailure.Timeout, $"{Name}: no result for {what} within {timeout.TotalSeconds:0.###} s" + (lines.Count > 0 ? $" (got \"{string.Join(" | ", lines)}\")" : string.Empty));
        }
        catch (ChannelClosedException ex)
        {
            throw ClosedException(ex);
        }
    }

    internal async ValueTask<DataChunk> ReadDataCoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_data.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            return await _data.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ModemException(ModemFailure.Timeout, $"{Name}: no data from the modem for {timeout.TotalSeconds:0.###} s");
        }
        catch (ChannelClosedException ex)
        {
            throw ClosedException(ex);
        }
    }

    internal async Task WaitForXonCoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _xon.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ModemException(ModemFailure.Timeout, $"{Name}: no XON from the modem within {timeout.TotalSeconds:0.###} s");
        }
    }

    internal async Task WriteCoreAsync(ReadOnlyMemory<byte> bytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
            try
            {
                if (_xoffGate is { } gate)
                {
                    // The modem said XOFF: hold the data until XON (or the write timeout: a wedged modem).
                    await gate.Task.WaitAsync(linked.Token).ConfigureAwait(false);
                }

                await _stream.WriteAsync(bytes, linked.Token).ConfigureAwait(false);
                await _stream.FlushAsync(linked.Token).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A write that cannot finish means flow control holds us off for good: the modem is wedged.
            throw new ModemException(ModemFailure.Timeout, $"{Name}: the modem did not take {bytes.Length} bytes within {timeout.TotalSeconds:0.###} s (flow control stuck)");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw new ModemException(ModemFailure.PortClosed, $"{Name}: writing to the port failed: {ex.Message}", ex);
        }
    }

    internal void Release() => _gate.Release();

    private ModemException ClosedException(ChannelClosedException ex) =>
        ex.InnerException as ModemException ?? new ModemException(ModemFailure.PortClosed, $"{Name}: the port is closed", ex);

    private void DrainLines()
    {
        while (_lines.Reader.TryRead(out var stale))
        {
            StaleLines++;
            ModemLog.StaleLine(_logger, Name, stale.Text);
        }
    }

    private void FollowResultFormat(string command)
    {
        // ATV0 switches to numeric result codes, ATV1 back; ATZ/AT&F restore the stored (normally verbose) setting.
        var upper = command.ToUpperInvariant();
        if (upper.Contains("V0", StringComparison.Ordinal) && upper.StartsWith("AT", StringComparison.Ordinal) && !upper.Contains('+', StringComparison.Ordinal))
        {
            _numeric = true;
        }
        else if ((upper.Contains("V1", StringComparison.Ordinal) || upper.Contains('Z', StringComparison.Ordinal) || upper.Contains("&F", StringComparison.Ordinal))
            && !upper.Contains('+', StringComparison.Ordinal) && !upper.StartsWith("ATD", StringComparison.Ordinal))
        {
            _numeric = false;
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[_options.ReadBufferSize];
        Exception? failure = null;
        try
        {
            while (!_shutdown.IsCancellationRequested)
            {
                var n = await _stream.ReadAsync(buffer, _shutdown.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    failure = new ModemException(ModemFailure.PortClosed, $"{Name}: the port closed (end of stream)");
                    break;
                }

                await ProcessAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            failure = new ModemException(ModemFailure.PortClosed, $"{Name}: the AT channel is closed");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException or InvalidOperationException)
        {
            failure = new ModemException(ModemFailure.PortClosed, $"{Name}: the port vanished: {ex.Message}", ex);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, every waiter must end with an error rather than hang.
            failure = new ModemException(ModemFailure.PortClosed, $"{Name}: the read loop failed: {ex.Message}", ex);
        }

        ModemLog.ReadLoopEnded(_logger, Name, failure?.Message ?? "shutdown");
        _lines.Writer.TryComplete(failure);
        _data.Writer.TryComplete(failure);
        _unsolicited.Writer.TryComplete(failure);
    }

    private async ValueTask ProcessAsync(ReadOnlyMemory<byte> chunk)
    {
        var i = 0;
        while (i < chunk.Length)
        {
            if (_dataMode)
            {
                if (_swallowLineFeed)
                {
                    // Verbose CONNECT is framed "\r\nCONNECT\r\n": the LF still belongs to the result line.
                    _swallowLineFeed = false;
                    if (chunk.Span[i] == (byte)'\n')
                    {
                        i++;
                        continue;
                    }
                }

                var output = new byte[chunk.Length - i + 2];
                var evt = _dle.Decode(chunk.Span[i..], output, out var consumed, out var written);
                i += consumed;
                _dataBytes += written;
                if (written > 0)
                {
                    await _data.Writer.WriteAsync(new DataChunk(output.AsMemory(0, written), DleEvent.None, 0), _shutdown.Token).ConfigureAwait(false);
                }

                if (evt != DleEvent.None)
                {
                    var end = new DataChunk(ReadOnlyMemory<byte>.Empty, evt, _dle.LastCommand);
                    if (end.IsEnd)
                    {
                        _dataMode = false;
                        ModemLog.DataEnded(_logger, Name, evt, _dataBytes);
                    }

                    await _data.Writer.WriteAsync(end, _shutdown.Token).ConfigureAwait(false);
                }

                continue;
            }

            var b = chunk.Span[i++];
            if (_dleInCommandMode)
            {
                _dleInCommandMode = false;
                if (b == Dle.Etx)
                {
                    StrayEndMarkers++;
                    ModemLog.StrayEndMarker(_logger, Name);
                    continue;
                }

                // A DLE that starts nothing: it stays in the line, which is then garbage.
                AppendToLine(Dle.Escape);
            }

            if (b == Dle.Escape)
            {
                _dleInCommandMode = true;
                continue;
            }

            switch (b)
            {
                case (byte)'\r':
                case (byte)'\n':
                    if (_line.Length > 0)
                    {
                        // V.250 with ATV0: result codes end in a bare CR, information text in CR LF; so a "3" followed
                        // by LF is the answer to AT+FTH=? and not NO CARRIER.
                        var crLf = b == (byte)'\r' && i < chunk.Length && chunk.Span[i] == (byte)'\n';
                        HandleLine(terminatedByCr: b == (byte)'\r', numericCandidate: !crLf);
                    }

                    break;
                case Dle.Dc1:
                    // XON: Class 2 modems send it after CONNECT to +FDT when they want the page data; it also
                    // lifts an XOFF where flow control is done here (TCP, pty) rather than by the tty driver.
                    _xon.TrySetResult();
                    Interlocked.Exchange(ref _xoffGate, null)?.TrySetResult();
                    break;
                case Dle.Dc3:
                    if (_options.SoftwareFlowControl)
                    {
                        Interlocked.CompareExchange(ref _xoffGate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
                    }

                    break;
                default:
                    AppendToLine(b);
                    break;
            }
        }
    }

    private void AppendToLine(byte b)
    {
        if (b < 0x20 || b > 0x7E)
        {
            _lineHasControl = true;
        }

        if (_line.Length < _options.MaxLineLength)
        {
            // Control bytes are shown as \xNN, so that an error names the bytes the modem really sent.
            if (b is >= 0x20 and <= 0x7E)
            {
                _line.Append((char)b);
            }
            else
            {
                _line.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }
        else
        {
            _lineHasControl = true;
            HandleLine(terminatedByCr: false, numericCandidate: false);
        }
    }

    private void HandleLine(bool terminatedByCr, bool numericCandidate)
    {
        var text = _line.ToString().Trim();
        var garbage = _lineHasControl;
        _line.Clear();
        _lineHasControl = false;
        if (text.Length == 0)
        {
            return;
        }

        if (garbage)
        {
            GarbageLines++;
            ModemLog.Garbage(_logger, Name, text);
            _lines.Writer.TryWrite(new AtLine(text, true, false));
            TrimIdleLines();
            return;
        }

        ModemLog.LineReceived(_logger, Name, text);
        var echo = _pendingEcho;
        if (echo is not null && string.Equals(text, echo, StringComparison.OrdinalIgnoreCase))
        {
            _pendingEcho = null;
            return;
        }

        var numeric = _numeric && numericCandidate;
        if (UnsolicitedParser.TryParse(text, numeric, _time.GetUtcNow(), out var unsolicited))
        {
            _unsolicited.Writer.TryWrite(unsolicited);
            return;
        }

        if (_connectStartsData && AtResultTable.TryParse(text, numeric, out var code) && code == AtResultCode.Connect)
        {
            _connectStartsData = false;
            _dle.Reset();
            _dataBytes = 0;
            _dataMode = true;
            _swallowLineFeed = terminatedByCr && !numeric;
        }

        _lines.Writer.TryWrite(new AtLine(text, false, numeric));
        TrimIdleLines();
    }

    private void TrimIdleLines()
    {
        // A modem that spews lines while nobody asks (noise, a wrong speed) must not grow memory without bound:
        // keep the newest lines only; the next command throws the rest away anyway.
        while (_lines.Reader.Count > _options.MaxInformationLines * 4 && _lines.Reader.TryRead(out _))
        {
            StaleLines++;
        }
    }

    private readonly record struct AtLine(string Text, bool Garbage, bool Numeric);
}
