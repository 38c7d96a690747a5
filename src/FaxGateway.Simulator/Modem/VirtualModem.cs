using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FaxGateway.Modems.Framing;
using FaxGateway.Simulator.Line;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Simulator.Modem;

/// <summary>
/// A virtual Class 1 / 1.0 fax modem (ITU T.31) on a line of a <see cref="VirtualPstn"/>. It speaks AT over
/// whatever byte stream it is given (an in-process cable from <see cref="OpenPort"/>, or a pty master),
/// answers like spandsp's T.31 modem does (the reference for iaxmodem), and puts V.21 HDLC frames and
/// high-speed carriers on the line instead of audio.
/// </summary>
public sealed partial class VirtualModem
{
    private const int MaxCommandLine = 255;
    private const int MaxHdlcFrame = 512;

    private static readonly TimeSpan CedDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SilenceAfterCed = TimeSpan.FromMilliseconds(75);
    private static readonly TimeSpan PacingSlack = TimeSpan.FromMilliseconds(50);

    private readonly VirtualPstn _pstn;
    private readonly VirtualModemOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WakeSignal _wake = new();
    private readonly ConcurrentQueue<(VirtualCall Call, int Ring)> _rings = new();
    private readonly Lock _callLock = new();
    private readonly byte[] _registers = new byte[256];
    private readonly StringBuilder _commandLine = new();

    private VirtualCall? _incoming;
    private VirtualCall? _call;
    private Transmission? _rxCurrent;
    private DteInput _dte = new(static () => { });
    private Stream? _port;
    private PipeDuplexStream? _inProcessPort;
    private CancellationTokenSource? _runCts;
    private Task? _runTask;
    private string _lastCommand = string.Empty;
    private long _rxImageBytes;
    private long _ignoredBytes;
    private volatile bool _wedged;
    private volatile bool _unplugged;

    private bool _echo;
    private bool _verbose;
    private bool _quiet;
    private string _faxClass = "0";
    private int _adaptiveReception;
    private int _carrierLossTimeout;
    private int _inactivityTimeout;
    private int _inactivityAction;
    private int _doubleEscape;
    private int _flowControl;
    private int _portRate;
    private int _callerIdMode;
    private bool _hadCall;

    internal VirtualModem(VirtualPstn pstn, VirtualLine line, int index, VirtualModemOptions options)
    {
        _pstn = pstn;
        _options = options;
        _time = pstn.Time;
        _logger = pstn.LoggerFactory.CreateLogger<VirtualModem>();
        Line = line;
        Index = index;
        ResetSettings();
    }

    /// <summary>The line this modem sits on (number, caller id name, impairments, line faults).</summary>
    public VirtualLine Line { get; }

    /// <summary>The number this modem answers.</summary>
    public string Number => Line.Number;

    /// <summary>Position in the exchange (0 for the first modem added): ttySIM{Index} on ptys.</summary>
    public int Index { get; }

    /// <summary>The call in progress (ringing or up), if any.</summary>
    public VirtualCall? CurrentCall
    {
        get
        {
            lock (_callLock)
            {
                return _call ?? _incoming;
            }
        }
    }

    /// <summary>True while the modem's loop runs on a port.</summary>
    public bool IsRunning => _runTask is { IsCompleted: false };

    /// <summary>The fax class the DTE selected (<c>0</c>, <c>1</c> or <c>1.0</c>).</summary>
    public string FaxClass => _faxClass;

    /// <summary>Fault: the modem wedges, swallowing every command without a reply and ignoring rings, until <see cref="Revive"/>.</summary>
    public void StopAnswering() => _wedged = true;

    /// <summary>Ends a <see cref="StopAnswering"/> fault (as a power cycle would).</summary>
    public void Revive()
    {
        _wedged = false;
        Wake();
    }

    /// <summary>
    /// Fault: the port disappears (a USB modem unplugged). The call drops, the modem stops, and the DTE's reads
    /// and writes on an in-process port fail with <see cref="IOException"/>; a pty host removes the device.
    /// </summary>
    public void Unplug()
    {
        _unplugged = true;
        _inProcessPort?.Break("The virtual modem was unplugged.");
        HangUpCurrentCall();
        _runCts?.Cancel();
        Unplugged?.Invoke(this);
    }

    /// <summary>Raised with every AT command line the DTE sends, before it runs (for traces and tests).</summary>
    public event Action<VirtualModem, string>? CommandReceived;

    /// <summary>Raised with the running total of bytes a wedged modem swallowed (so tests know it saw them).</summary>
    internal event Action<long>? InputIgnored;

    /// <summary>Raised by <see cref="Unplug"/>, so a pty host can remove the device node.</summary>
    public event Action<VirtualModem>? Unplugged;

    /// <summary>Connects a new in-process serial cable to the modem and returns the DTE's end of it.</summary>
    public Stream OpenPort()
    {
        var (dte, modem) = PipeDuplexStream.CreatePair();
        _inProcessPort = modem;
        Start(modem);
        return dte;
    }

    /// <summary>Runs the modem on <paramref name="port"/> in the background until the exchange shuts down.</summary>
    public void Start(Stream port)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (IsRunning)
        {
            throw new InvalidOperationException($"Modem {Number} already runs on a port.");
        }

        _runCts = CancellationTokenSource.CreateLinkedTokenSource(_pstn.ShutdownToken);
        _runTask = Task.Run(() => RunAsync(port, _runCts.Token));
    }

    /// <summary>Stops the modem's loop and hangs up.</summary>
    public async Task StopAsync()
    {
        _runCts?.Cancel();
        if (_runTask is { } task)
        {
            await task.ConfigureAwait(false);
        }

        _inProcessPort?.Dispose();
    }

    /// <summary>Drives the modem on a port: reads AT commands and data, writes responses, until cancelled or the port closes.</summary>
    public async Task RunAsync(Stream port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(port);
        _port = port;
        _dte = new DteInput(Wake);
        using var pumpCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = _dte.PumpAsync(port, pumpCts.Token);
        try
        {
            await CommandLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown or unplug.
        }
        catch (IOException ex)
        {
            Log.PortLost(_logger, Number, ex.Message);
        }
        catch (ObjectDisposedException ex)
        {
            Log.PortLost(_logger, Number, ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // A simulator bug must not look like a hang to the DTE: drop the call and say so in the log.
            Log.ModemFailed(_logger, Number, ex);
        }
        finally
        {
            HangUpCurrentCall();
            await pumpCts.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    internal void Wake() => _wake.Set();

    internal bool TryTakeIncoming(VirtualCall call)
    {
        lock (_callLock)
        {
            if (_unplugged || _call is not null || _incoming is not null)
            {
                return false;
            }

            _incoming = call;
            return true;
        }
    }

    internal void OnRing(VirtualCall call, int ring)
    {
        _rings.Enqueue((call, ring));
        Wake();
    }

    internal void OnCallEnded(VirtualCall call)
    {
        lock (_callLock)
        {
            if (_incoming == call)
            {
                _incoming = null;
            }

            if (_call == call)
            {
                _call = null;
            }
        }

        Wake();
    }

    private void HangUpCurrentCall()
    {
        VirtualCall? call;
        lock (_callLock)
        {
            call = _call ?? _incoming;
            _call = null;
            _incoming = null;
        }

        _rxCurrent = null;
        _hadCall = false;
        call?.HangUp(this);
    }

    private void ResetSettings()
    {
        _echo = true;
        _verbose = true;
        _quiet = false;
        SelectClass("0");
        _adaptiveReception = 0;
        _carrierLossTimeout = 0;
        _inactivityTimeout = 0;
        _inactivityAction = 0;
        _doubleEscape = 0;
        _flowControl = 0;
        _portRate = 0;
        _callerIdMode = _options.ShowCallerId ? 1 : 0;
        Array.Clear(_registers);
        _registers[0] = 0;      // rings before auto-answer: off
        _registers[3] = 13;     // command line terminator
        _registers[4] = 10;     // response formatting
        _registers[5] = 8;      // backspace
        _registers[6] = 2;      // wait before blind dialling
        _registers[7] = 50;     // seconds to wait for an answer
        _registers[8] = 2;      // comma pause
        _registers[10] = 14;    // carrier loss delay (1/10 s)
    }

    private bool InClass1 => _faxClass is "1" or "1.0";

    private bool RealTime => _pstn.Options.RealTime;

    // ---------------------------------------------------------------- command state

    private async Task CommandLoopAsync(CancellationToken cancellationToken)
    {
        var echo = new List<byte>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var woken = _wake.WaitAsync();
            await HandleRingsAsync(cancellationToken).ConfigureAwait(false);

            while (_dte.TryReadByte(out var b))
            {
                if (_wedged)
                {
                    InputIgnored?.Invoke(++_ignoredBytes);
                    continue;
                }

                if (_echo)
                {
                    echo.Add(b);
                }

                if (b == _registers[3])
                {
                    await FlushEchoAsync(echo, cancellationToken).ConfigureAwait(false);
                    var line = _commandLine.ToString();
                    _commandLine.Clear();
                    await ExecuteLineAsync(line, cancellationToken).ConfigureAwait(false);
                }
                else if (b == _registers[5])
                {
                    if (_commandLine.Length > 0)
                    {
                        _commandLine.Length--;
                    }
                }
                else if (b == '/' && _commandLine.Length == 1 && char.ToUpperInvariant(_commandLine[0]) == 'A')
                {
                    // A/ repeats the last command line at once, without a terminator.
                    await FlushEchoAsync(echo, cancellationToken).ConfigureAwait(false);
                    _commandLine.Clear();
                    await ExecuteLineAsync(_lastCommand, cancellationToken).ConfigureAwait(false);
                }
                else if (b >= 0x20 && b < 0x7F && _commandLine.Length < MaxCommandLine)
                {
                    _commandLine.Append((char)b);
                }
            }

            await FlushEchoAsync(echo, cancellationToken).ConfigureAwait(false);
            if (_dte.IsClosed)
            {
                return;
            }

            await woken.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushEchoAsync(List<byte> echo, CancellationToken cancellationToken)
    {
        if (echo.Count > 0)
        {
            var bytes = echo.ToArray();
            echo.Clear();
            await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleRingsAsync(CancellationToken cancellationToken)
    {
        while (_rings.TryDequeue(out var ring))
        {
            VirtualCall? incoming;
            lock (_callLock)
            {
                incoming = _incoming;
            }

            if (ring.Call != incoming || ring.Call.HasEnded || _wedged)
            {
                continue;
            }

            await WriteResultAsync(ResultCode.Ring, cancellationToken).ConfigureAwait(false);
            if (ring.Ring == 1 && _callerIdMode != 0 && _pstn.Options.CallerIdEnabled)
            {
                var now = _time.GetLocalNow();
                await WriteInfoAsync("DATE=" + now.ToString("MMdd", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                await WriteInfoAsync("TIME=" + now.ToString("HHmm", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                await WriteInfoAsync("NMBR=" + ring.Call.Caller.Number, cancellationToken).ConfigureAwait(false);
                await WriteInfoAsync("NAME=" + ring.Call.Caller.Line.CallerName, cancellationToken).ConfigureAwait(false);
            }

            if (_registers[0] > 0 && ring.Ring >= _registers[0])
            {
                await WriteResultAsync(await AnswerAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ExecuteLineAsync(string line, CancellationToken cancellationToken)
    {
        var at = line.IndexOf("AT", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return;
        }

        _lastCommand = line;
        CommandReceived?.Invoke(this, line);
        var body = line[(at + 2)..];
        var infos = new List<string>();
        var pos = 0;
        var result = ResultCode.Ok;
        while (pos < body.Length && result == ResultCode.Ok)
        {
            var c = char.ToUpperInvariant(body[pos++]);
            switch (c)
            {
                case ' ' or ';':
                    // Spaces are ignored; a semicolon separates commands (V.250 5.4.1).
                    break;
                case 'D':
                    await WriteInfosAsync(infos, cancellationToken).ConfigureAwait(false);
                    await WriteResultAsync(await DialAsync(body[pos..], cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    return;
                case 'A':
                    await WriteInfosAsync(infos, cancellationToken).ConfigureAwait(false);
                    await WriteResultAsync(await AnswerAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    return;
                case 'E':
                    result = SetFlag(body, ref pos, ref _echo);
                    break;
                case 'V':
                    result = SetFlag(body, ref pos, ref _verbose);
                    break;
                case 'Q':
                    result = SetFlag(body, ref pos, ref _quiet);
                    break;
                case 'Z':
                    ReadNumber(body, ref pos);
                    HangUpCurrentCall();
                    ResetSettings();
                    break;
                case 'H':
                    if (ReadNumber(body, ref pos) is 0 or null)
                    {
                        HangUpCurrentCall();
                    }

                    break;
                case 'I':
                    result = Identify(ReadNumber(body, ref pos) ?? 0, infos);
                    break;
                case 'S':
                    result = Register(body, ref pos, infos);
                    break;
                case 'M' or 'L' or 'X' or 'B' or 'P' or 'T' or 'W' or 'N' or 'Y' or 'C' or 'O':
                    ReadNumber(body, ref pos);
                    break;
                case '&' or '\\' or '%':
                    // Vendor and flow-control settings (&K3, &D2, \N0, ...): accepted, nothing to do on a virtual line.
                    if (pos < body.Length && char.IsAsciiLetter(body[pos]))
                    {
                        pos++;
                        ReadNumber(body, ref pos);
                    }
                    else
                    {
                        result = ResultCode.Error;
                    }

                    break;
                case '+':
                    {
                        var end = body.IndexOf(';', pos);
                        var command = end < 0 ? body[pos..] : body[pos..end];
                        pos = end < 0 ? body.Length : end + 1;
                        var (code, action) = Extended(command.Trim(), infos);
                        result = code;
                        if (action is not null)
                        {
                            await WriteInfosAsync(infos, cancellationToken).ConfigureAwait(false);
                            await WriteResultAsync(await action(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                            return;
                        }

                        break;
                    }

                default:
                    result = ResultCode.Error;
                    break;
            }
        }

        if (result == ResultCode.Ok)
        {
            await WriteInfosAsync(infos, cancellationToken).ConfigureAwait(false);
        }

        await WriteResultAsync(result, cancellationToken).ConfigureAwait(false);
    }

    private static int? ReadNumber(string body, ref int pos)
    {
        var start = pos;
        while (pos < body.Length && char.IsAsciiDigit(body[pos]))
        {
            pos++;
        }

        return pos == start ? null : int.Parse(body.AsSpan(start, Math.Min(pos - start, 9)), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static ResultCode SetFlag(string body, ref int pos, ref bool flag)
    {
        switch (ReadNumber(body, ref pos) ?? 0)
        {
            case 0:
                flag = false;
                return ResultCode.Ok;
            case 1:
                flag = true;
                return ResultCode.Ok;
            default:
                return ResultCode.Error;
        }
    }

    private ResultCode Identify(int which, List<string> infos)
    {
        switch (which)
        {
            case 0:
                infos.Add(_options.Model);
                return ResultCode.Ok;
            case 1:
                infos.Add("255");
                return ResultCode.Ok;
            case 2:
                return ResultCode.Ok;
            case 3:
                infos.Add(_options.Manufacturer);
                return ResultCode.Ok;
            case 4:
                infos.Add(_options.Revision);
                return ResultCode.Ok;
            default:
                return ResultCode.Error;
        }
    }

    private ResultCode Register(string body, ref int pos, List<string> infos)
    {
        var register = ReadNumber(body, ref pos);
        if (register is null or > 255 || pos >= body.Length)
        {
            return ResultCode.Error;
        }

        if (body[pos] == '?')
        {
            pos++;
            infos.Add(_registers[register.Value].ToString("D3", CultureInfo.InvariantCulture));
            return ResultCode.Ok;
        }

        if (body[pos] != '=')
        {
            return ResultCode.Error;
        }

        pos++;
        var value = ReadNumber(body, ref pos) ?? 0;
        if (value > 255)
        {
            return ResultCode.Error;
        }

        _registers[register.Value] = (byte)value;
        return ResultCode.Ok;
    }

    /// <summary>One extended (+) command. Returns the result for a setting or query, or an action that runs after the infos are out.</summary>
    private (ResultCode Result, Func<CancellationToken, Task<ResultCode>>? Action) Extended(string command, List<string> infos)
    {
        var nameEnd = command.IndexOfAny(['=', '?']);
        var name = (nameEnd < 0 ? command : command[..nameEnd]).ToUpperInvariant();
        var rest = nameEnd < 0 ? string.Empty : command[nameEnd..];
        var isTest = rest == "=?";
        var isQuery = rest == "?";
        var isSet = rest.StartsWith('=') && !isTest;
        var value = isSet ? rest[1..].Trim() : string.Empty;
        int? number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

        switch (name)
        {
            case "FCLASS":
                if (isTest)
                {
                    infos.Add(_options.FaxClasses);
                    return (ResultCode.Ok, null);
                }

                if (isQuery)
                {
                    infos.Add(_faxClass);
                    return (ResultCode.Ok, null);
                }

                if (isSet && (value == "0" || OffersClass(value)))
                {
                    SelectClass(value);
                    return (ResultCode.Ok, null);
                }

                return (ResultCode.Error, null);

            case "FMI" or "GMI" when isQuery || rest.Length == 0:
                infos.Add(_options.Manufacturer);
                return (ResultCode.Ok, null);
            case "FMM" or "GMM" when isQuery || rest.Length == 0:
                infos.Add(_options.Model);
                return (ResultCode.Ok, null);
            case "FMR" or "GMR" when isQuery || rest.Length == 0:
                infos.Add(_options.Revision);
                return (ResultCode.Ok, null);

            case "VCID":
                return Setting(ref _callerIdMode, 0, 2, "(0-2)", isTest, isQuery, number, isSet, infos);
        }

        if (InClass2)
        {
            return Class2Command(name, value, number, isTest, isQuery, isSet, infos);
        }

        if (!InClass1)
        {
            return (ResultCode.Error, null);
        }

        switch (name)
        {
            case "FTM" or "FRM":
                if (isTest)
                {
                    infos.Add(FaxModulation.HighSpeedCodeList);
                    return (ResultCode.Ok, null);
                }

                if (isSet && number is { } code && FaxModulation.TryFromHighSpeedCode(code, out var modulation))
                {
                    return name == "FTM"
                        ? (ResultCode.Ok, ct => TransmitHighSpeedAsync(modulation, ct))
                        : (ResultCode.Ok, ct => ReceiveHighSpeedAsync(modulation, ct));
                }

                return (ResultCode.Error, null);

            case "FTH" or "FRH":
                if (isTest)
                {
                    infos.Add("3");
                    return (ResultCode.Ok, null);
                }

                if (isSet && number == 3)
                {
                    return name == "FTH"
                        ? (ResultCode.Ok, TransmitHdlcCommandAsync)
                        : (ResultCode.Ok, ReceiveHdlcCommandAsync);
                }

                return (ResultCode.Error, null);

            case "FTS" or "FRS":
                if (isTest)
                {
                    infos.Add("0-255");
                    return (ResultCode.Ok, null);
                }

                if (isSet && number is >= 0 and <= 255)
                {
                    var duration = TimeSpan.FromMilliseconds(number.Value * 10);
                    return name == "FTS"
                        ? (ResultCode.Ok, ct => TransmitSilenceAsync(duration, ct))
                        : (ResultCode.Ok, ct => ReceiveSilenceAsync(duration, ct));
                }

                return (ResultCode.Error, null);

            case "FAR":
                return Setting(ref _adaptiveReception, 0, 1, "0,1", isTest, isQuery, number, isSet, infos);
            case "FCL":
                return Setting(ref _carrierLossTimeout, 0, 255, "(0-255)", isTest, isQuery, number, isSet, infos);
            case "FDD":
                return Setting(ref _doubleEscape, 0, 1, "(0,1)", isTest, isQuery, number, isSet, infos);
            case "FLO":
                return Setting(ref _flowControl, 0, 2, "(0-2)", isTest, isQuery, number, isSet, infos);
            case "FPR":
                return Setting(ref _portRate, 0, 255, "(0-255)", isTest, isQuery, number, isSet, infos);
            case "FIT":
                if (isTest)
                {
                    infos.Add("(0-255),(0-1)");
                    return (ResultCode.Ok, null);
                }

                if (isQuery)
                {
                    infos.Add(string.Create(CultureInfo.InvariantCulture, $"{_inactivityTimeout},{_inactivityAction}"));
                    return (ResultCode.Ok, null);
                }

                if (isSet)
                {
                    var parts = value.Split(',');
                    if (parts.Length is 1 or 2
                        && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) && timeout <= 255)
                    {
                        var action = 0;
                        if (parts.Length == 2 && !(int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out action) && action <= 1))
                        {
                            return (ResultCode.Error, null);
                        }

                        _inactivityTimeout = timeout;
                        _inactivityAction = action;
                        return (ResultCode.Ok, null);
                    }
                }

                return (ResultCode.Error, null);
            default:
                return (ResultCode.Error, null);
        }
    }

    private static (ResultCode, Func<CancellationToken, Task<ResultCode>>?) Setting(
        ref int field, int min, int max, string range, bool isTest, bool isQuery, int? number, bool isSet, List<string> infos)
    {
        if (isTest)
        {
            infos.Add(range);
            return (ResultCode.Ok, null);
        }

        if (isQuery)
        {
            infos.Add(field.ToString(CultureInfo.InvariantCulture));
            return (ResultCode.Ok, null);
        }

        if (isSet && number is { } v && v >= min && v <= max)
        {
            field = v;
            return (ResultCode.Ok, null);
        }

        return (ResultCode.Error, null);
    }

    // ---------------------------------------------------------------- output

    private Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) =>
        _port is null ? Task.CompletedTask : _port.WriteAsync(bytes, cancellationToken).AsTask();

    private Task WriteTextAsync(string text, CancellationToken cancellationToken) => WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    private Task WriteResultAsync(ResultCode code, CancellationToken cancellationToken)
    {
        if (_quiet)
        {
            return Task.CompletedTask;
        }

        var cr = (char)_registers[3];
        var lf = (char)_registers[4];
        return _verbose
            ? WriteTextAsync($"{cr}{lf}{ResultCodes.Verbose(code)}{cr}{lf}", cancellationToken)
            : WriteTextAsync($"{ResultCodes.Numeric(code)}{cr}", cancellationToken);
    }

    private Task WriteInfoAsync(string info, CancellationToken cancellationToken)
    {
        var cr = (char)_registers[3];
        var lf = (char)_registers[4];
        return _verbose
            ? WriteTextAsync($"{cr}{lf}{info}{cr}{lf}", cancellationToken)
            : WriteTextAsync($"{info}{cr}{lf}", cancellationToken);
    }

    private async Task WriteInfosAsync(List<string> infos, CancellationToken cancellationToken)
    {
        foreach (var info in infos)
        {
            await WriteInfoAsync(info, cancellationToken).ConfigureAwait(false);
        }

        infos.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Virtual modem {Number}: port lost ({Reason})")]
        public static partial void PortLost(ILogger logger, string number, string reason);

        [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Virtual modem {Number} stopped on an internal error")]
        public static partial void ModemFailed(ILogger logger, string number, Exception exception);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Virtual modem {Number}: {Event}")]
        public static partial void LineEvent(ILogger logger, string number, string @event);
    }
}
