using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Protocol.Session;

/// <summary>
/// The T.30 engine for one call (send, receive, or poll), with no I/O: the driver pushes frames,
/// carrier events, TCF statistics, page data and time in, and carries out the <see cref="T30Command"/>s
/// each input returns. Not thread-safe: feed it from one loop.
/// </summary>
public sealed partial class T30Session
{
    private static readonly IReadOnlyList<T30Command> NoCommands = [];

    private readonly T30SessionOptions _options;
    private readonly T30Timers _timers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<T30Command> _out = [];
    private readonly bool _xBit;
    private readonly SortedDictionary<int, FaxPageResult> _pages = [];

    private DateTimeOffset _started;
    private DateTimeOffset _now;
    private DateTimeOffset? _deadline;
    private DateTimeOffset? _badFrameDeadline;
    private DateTimeOffset? _t1Deadline;
    private DateTimeOffset? _t5Deadline;
    private DateTimeOffset? _firstCfrAt;
    private bool _txPending;

    // The last command we sent and may have to repeat (T4 expiry, CRP, bad response).
    private IReadOnlyList<T30Frame>? _lastCommand;
    private T30State _lastCommandState;
    private int _commandTries;
    private int _crpSent;

    // The last response we sent and may have to repeat (CRP, repeated command after a lost response).
    private T30Frame? _lastResponse;
    private T30State _lastResponseState;

    private HangupReason _pendingHangup;
    private int _framesSent;
    private int _framesReceived;
    private int _badFramesReceived;
    private string? _remoteIdent;
    private FaxCapabilities? _remoteCapabilities;
    private NonStandardFacilities? _remoteNsf;
    private DcsParameters? _dcs;

    public T30Session(T30SessionOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PageSource is null && options.PageSink is null)
        {
            throw new ArgumentException("a session needs a page source (send, or be polled) or a page sink (receive, or poll)", nameof(options));
        }

        try
        {
            // Fail at set-up, not in the middle of a call: the ident must fit a 20-octet FIF.
            _ = SubscriberIdent.Encode(options.LocalIdent);
        }
        catch (T30FrameException ex)
        {
            throw new ArgumentException($"the local ident is not valid: {ex.Message}", nameof(options), ex);
        }

        if (options.NsfToSend.Length > T30Frame.MaxFifLength)
        {
            throw new ArgumentException("the NSF to send is longer than a frame can carry", nameof(options));
        }

        _options = options;
        _timers = options.Timers;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        // T.30 5.3.6.1: the X bit is set by the station that received a valid DIS, i.e. the caller.
        _xBit = options.Role == CallRole.Caller;
    }

    /// <summary>The current state (a node of the T.30 flowchart).</summary>
    public T30State State { get; private set; } = T30State.Idle;

    public bool IsFinished => State == T30State.CallFinished;

    /// <summary>When the engine next needs <see cref="OnTimer"/> (null: nothing pending, e.g. while transmitting).</summary>
    public DateTimeOffset? NextDeadline => (_deadline, _badFrameDeadline) switch
    {
        (null, var b) => b,
        (var d, null) => d,
        (var d, var b) => d < b ? d : b,
    };

    /// <summary>The mode currently in force (last DCS sent or received).</summary>
    public DcsParameters? Mode => _dcs;

    public FaxCapabilities? RemoteCapabilities => _remoteCapabilities;

    public string? RemoteIdent => _remoteIdent;

    /// <summary>Set once the call has finished (after the <see cref="Hangup"/> command).</summary>
    public FaxCallResult? Result { get; private set; }

    private bool IsSender => _options.PageSource is not null;

    /// <summary>Starts the session once the call is connected (caller: after ATD's CONNECT; answerer: after ATA's CONNECT).</summary>
    public IReadOnlyList<T30Command> Start()
    {
        if (State != T30State.Idle)
        {
            throw new InvalidOperationException("the session has already started");
        }

        Begin();
        _started = _now;
        _t1Deadline = _now + _timers.T1;
        if (_options.Role == CallRole.Caller)
        {
            // The modem listens on V.21 right after dialling: wait for the called station's DIS.
            AwaitFramesIn(T30State.T, _timers.T1);
        }
        else
        {
            SendDis(withSilence: false);
        }

        return End();
    }

    /// <summary>A received HDLC frame (address, control, FCF, FIF; without FCS). <paramref name="fcsOk"/>:
    /// the modem said OK (false: ERROR, a bad FCS). In ECM phase C, the de-framed FCD/RCP frames.</summary>
    public IReadOnlyList<T30Command> OnFrame(ReadOnlySpan<byte> frame, bool fcsOk)
    {
        if (IsFinished || State == T30State.Idle)
        {
            return NoCommands;
        }

        Begin();
        var error = "bad FCS";
        if (!fcsOk || !T30Frame.TryParse(frame, out var parsed, out error))
        {
            _badFramesReceived++;
            Log.BadFrame(_logger, State, error, frame.Length);
            BadFrame();
            return End();
        }

        _framesReceived++;
        Log.FrameReceived(_logger, State, parsed);
        if (AbsorbIdentification(parsed))
        {
            return End();
        }

        try
        {
            Dispatch(new T30Event(EventKind.Frame, parsed));
        }
        catch (T30FrameException ex)
        {
            // A well-framed frame with a FIF that makes no sense (short DIS/DCS/PPS/PPR): treat it like a bad frame.
            _badFramesReceived++;
            Log.BadFrame(_logger, State, ex.Message, frame.Length);
            BadFrame();
        }

        return End();
    }

    /// <summary>Carrier detected or lost: V21 present = HDLC flags (CONNECT to +FRH, or +FCERROR during +FRM);
    /// HighSpeed lost during phase C = end of the page data (same as <see cref="OnPageEnd"/>).</summary>
    public IReadOnlyList<T30Command> OnCarrier(FaxCarrier carrier, bool present)
    {
        if (IsFinished || State == T30State.Idle)
        {
            return NoCommands;
        }

        Begin();
        switch (carrier, present)
        {
            case (FaxCarrier.V21, true):
                Dispatch(new T30Event(EventKind.V21Detected));
                break;
            case (FaxCarrier.V21, false):
                if (_badFrameDeadline is not null)
                {
                    ActOnBadFrame();
                }

                break;
            case (FaxCarrier.HighSpeed, true):
                if (State is T30State.F_DocNonEcm or T30State.F_DocEcm)
                {
                    _deadline = _now + _timers.PhaseCInactivity;
                }

                break;
            default:
                if (State is T30State.F_DocNonEcm or T30State.F_DocEcm)
                {
                    Dispatch(new T30Event(EventKind.PageEnd));
                }

                break;
        }

        return End();
    }

    /// <summary>The driver finished sending the transmitting command of the last batch.</summary>
    public IReadOnlyList<T30Command> OnTransmitComplete()
    {
        if (IsFinished || !_txPending)
        {
            return NoCommands;
        }

        Begin();
        _txPending = false;
        Dispatch(new T30Event(EventKind.TransmitComplete));
        return End();
    }

    /// <summary>The TCF the receiver measured after <see cref="ReceiveTcf"/>.</summary>
    public IReadOnlyList<T30Command> OnTcf(TcfStatistics tcf)
    {
        if (IsFinished || State != T30State.F_Tcf)
        {
            return NoCommands;
        }

        Begin();
        Dispatch(new T30Event(EventKind.Tcf, Tcf: tcf));
        return End();
    }

    /// <summary>Non-ECM page data as received after <see cref="ReceiveImage"/> (line order, DLE-unstuffed).</summary>
    public IReadOnlyList<T30Command> OnPageData(ReadOnlySpan<byte> data)
    {
        if (IsFinished || State != T30State.F_DocNonEcm)
        {
            return NoCommands;
        }

        Begin();
        ReceivePageData(data);
        return End();
    }

    /// <summary>End of phase C reception (DLE ETX / NO CARRIER after +FRM).</summary>
    public IReadOnlyList<T30Command> OnPageEnd()
    {
        if (IsFinished || State is not (T30State.F_DocNonEcm or T30State.F_DocEcm))
        {
            return NoCommands;
        }

        Begin();
        Dispatch(new T30Event(EventKind.PageEnd));
        return End();
    }

    /// <summary>Time has passed: acts on an expired timer (T1, T2, T4, T5, bad-frame grace) if
    /// <paramref name="now"/> has reached <see cref="NextDeadline"/>.</summary>
    public IReadOnlyList<T30Command> OnTimer(DateTimeOffset now)
    {
        if (IsFinished || State == T30State.Idle)
        {
            return NoCommands;
        }

        _out.Clear();
        _now = now;
        if (_badFrameDeadline is { } bad && now >= bad)
        {
            ActOnBadFrame();
        }
        else if (_deadline is { } deadline && now >= deadline)
        {
            _deadline = null;
            Log.TimerExpired(_logger, State);
            Dispatch(new T30Event(EventKind.Timeout));
        }

        return End();
    }

    /// <summary>Local abort: send DCN and hang up with <see cref="HangupReason.CallAborted"/>. The driver
    /// drops whatever it is doing and carries out the returned commands.</summary>
    public IReadOnlyList<T30Command> Abort()
    {
        if (IsFinished)
        {
            return NoCommands;
        }

        Begin();
        if (State == T30State.Idle)
        {
            Finish(HangupReason.CallAborted);
        }
        else
        {
            Disconnect(HangupReason.CallAborted);
        }

        return End();
    }

    /// <summary>The line is gone (NO CARRIER outside phase C, modem failure, loop current lost): the call ends
    /// at once, without DCN, with the unspecified reason of the current phase (normal after the last MCF).</summary>
    public IReadOnlyList<T30Command> OnLineLost()
    {
        if (IsFinished)
        {
            return NoCommands;
        }

        Begin();
        Finish(State switch
        {
            T30State.Idle or T30State.T or T30State.R when _framesReceived == 0 => HangupReason.PhaseAUnspecified,
            T30State.B or T30State.C when _pendingHangup == HangupReason.Normal || State == T30State.B => HangupReason.Normal,
            T30State.T or T30State.D or T30State.D_Tcf or T30State.D_PostTcf or T30State.T_Dtc => HangupReason.TxPhaseBUnspecified,
            T30State.I or T30State.IV => HangupReason.TxPhaseCUnspecified,
            T30State.II_Q or T30State.IV_Pps_Q or T30State.IV_Pps_Rnr or T30State.IV_Ctc or T30State.IV_Eor or T30State.IV_Eor_Rnr => HangupReason.TxPhaseDUnspecified,
            T30State.R or T30State.F or T30State.F_Tcf or T30State.F_Cfr or T30State.F_Ftt => HangupReason.RxPhaseBUnspecified,
            T30State.F_DocNonEcm or T30State.F_DocEcm => HangupReason.RxPhaseCUnspecified,
            T30State.C => _pendingHangup,
            _ => HangupReason.RxPhaseDUnspecified,
        });
        return End();
    }

    private enum EventKind
    {
        Frame,
        TransmitComplete,
        Tcf,
        PageEnd,
        Timeout,
        V21Detected,
    }

    private readonly record struct T30Event(EventKind Kind, T30Frame? Frame = null, TcfStatistics Tcf = default)
    {
        public FrameType Type => Frame?.Type ?? FrameType.Null;
    }

    private void Dispatch(in T30Event e)
    {
        switch (State)
        {
            case T30State.T: OnT(e); break;
            case T30State.D: OnD(e); break;
            case T30State.D_Tcf: OnDTcf(e); break;
            case T30State.D_PostTcf: OnDPostTcf(e); break;
            case T30State.I: OnI(e); break;
            case T30State.II_Q: OnIIQ(e); break;
            case T30State.IV: OnIV(e); break;
            case T30State.IV_Pps_Q: OnIVPpsQ(e); break;
            case T30State.IV_Pps_Rnr: OnIVPpsRnr(e); break;
            case T30State.IV_Ctc: OnIVCtc(e); break;
            case T30State.IV_Eor: OnIVEor(e); break;
            case T30State.IV_Eor_Rnr: OnIVEorRnr(e); break;
            case T30State.T_Dtc: OnTDtc(e); break;
            case T30State.R: OnR(e); break;
            case T30State.F: OnF(e); break;
            case T30State.F_Tcf: OnFTcf(e); break;
            case T30State.F_Cfr: OnFCfr(e); break;
            case T30State.F_Ftt: OnFFtt(e); break;
            case T30State.F_DocNonEcm: OnFDocNonEcm(e); break;
            case T30State.F_PostDocNonEcm: OnFPostDocNonEcm(e); break;
            case T30State.F_DocEcm: OnFDocEcm(e); break;
            case T30State.F_PostDocEcm: OnFPostDocEcm(e); break;
            case T30State.III_Q_Mcf: OnIIIQMcf(e); break;
            case T30State.III_Q_Rtp: OnIIIQRtp(e); break;
            case T30State.III_Q_Rtn: OnIIIQRtn(e); break;
            case T30State.F_PostRcpMcf: OnFPostRcpMcf(e); break;
            case T30State.F_PostRcpPpr: OnFPostRcpPpr(e); break;
            case T30State.F_PostRcpRnr: OnFPostRcpRnr(e); break;
            case T30State.F_Ctr: OnFCtr(e); break;
            case T30State.B: OnB(e); break;
            case T30State.C: OnC(e); break;
            default: break;
        }
    }

    // ---------------------------------------------------------------- shared paths

    /// <summary>The one path for a frame a state does not expect: DCN ends the call, CRP repeats our last
    /// frame, anything else is an invalid response (the command is repeated) or an ignored command.</summary>
    private void UnexpectedFrame(T30Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Dcn:
                Finish(DcnReason());
                return;
            case FrameType.Crp:
                RepeatLast();
                return;
            default:
                Log.UnexpectedFrame(_logger, State, frame);
                if (IsAwaitingResponse)
                {
                    RepeatCommand(InvalidResponseReason());
                }

                return;
        }
    }

    /// <summary>Common per-state handling of events that mean the same everywhere.</summary>
    private void Otherwise(in T30Event e)
    {
        switch (e.Kind)
        {
            case EventKind.Frame:
                UnexpectedFrame(e.Frame!);
                break;
            case EventKind.V21Detected:
                // Flags heard: a frame is on its way; give it time to finish before a timer fires.
                if (_deadline is { } d && d < _now + _timers.FrameInProgress)
                {
                    _deadline = _now + _timers.FrameInProgress;
                }

                break;
            case EventKind.Timeout:
                if (IsAwaitingResponse)
                {
                    RepeatCommand(NoResponseReason());
                }
                else
                {
                    Disconnect(IsSender ? HangupReason.TxPhaseDUnspecified : HangupReason.RxPhaseDUnspecified);
                }

                break;
            default:
                break;
        }
    }

    private bool IsAwaitingResponse => State is T30State.D_PostTcf or T30State.II_Q or T30State.IV_Pps_Q or T30State.IV_Pps_Rnr
        or T30State.IV_Ctc or T30State.IV_Eor or T30State.IV_Eor_Rnr or T30State.T_Dtc;

    private bool IsAwaitingCommand => State is T30State.R or T30State.F or T30State.F_PostDocNonEcm or T30State.F_PostDocEcm or T30State.B;

    private void BadFrame()
    {
        // The control octet of a damaged frame cannot be trusted, so more frames may follow: act
        // once the carrier drops or a short grace period passes without a good final frame.
        if (IsAwaitingResponse || IsAwaitingCommand || State is T30State.T or T30State.F_DocNonEcm)
        {
            _badFrameDeadline = _now + _timers.BadFrameGrace;
        }
    }

    private void ActOnBadFrame()
    {
        _badFrameDeadline = null;
        if (IsAwaitingResponse)
        {
            // A garbled response counts as no response: repeat the command.
            RepeatCommand(NoResponseReason());
        }
        else if (IsAwaitingCommand && _crpSent < _options.MaxCommandTries)
        {
            // A garbled command: ask for it again (CRP), at most as often as a command is tried.
            _crpSent++;
            Transmit(State, [MakeFrame(FrameType.Crp)]);
        }
    }

    private void RepeatLast()
    {
        if (IsAwaitingResponse && _lastCommand is not null)
        {
            RepeatCommand(NoResponseReason());
        }
        else if (_lastResponse is not null && !IsSenderState)
        {
            RepeatResponse();
        }
        else if (State == T30State.R)
        {
            SendDis(withSilence: true);
        }
    }

    private bool IsSenderState => State is T30State.T or T30State.D or T30State.D_Tcf or T30State.D_PostTcf or T30State.I or T30State.II_Q
        or T30State.IV or T30State.IV_Pps_Q or T30State.IV_Pps_Rnr or T30State.IV_Ctc or T30State.IV_Eor or T30State.IV_Eor_Rnr;

    private HangupReason DcnReason() => State switch
    {
        T30State.T or T30State.D or T30State.D_Tcf => HangupReason.TxPhaseBComRecDcn,
        T30State.D_PostTcf => HangupReason.TxPhaseBRspRecDcn,
        T30State.T_Dtc => HangupReason.RemoteCannotBePolled,
        T30State.I or T30State.II_Q or T30State.IV or T30State.IV_Pps_Q or T30State.IV_Pps_Rnr or T30State.IV_Ctc
            or T30State.IV_Eor or T30State.IV_Eor_Rnr => HangupReason.TxPhaseDRspRecDcn,
        T30State.R or T30State.F_Tcf or T30State.F_Cfr or T30State.F_Ftt => HangupReason.RxPhaseBRspRecDcn,
        // After RTN/RTP to the last page the sender may simply end the call.
        T30State.F => _lastPpm == FrameType.Eop || _lastPpm == FrameType.Mps && _rxPageCount > 0 ? HangupReason.Normal : HangupReason.RxPhaseBRspRecDcn,
        T30State.F_DocNonEcm or T30State.F_DocEcm => HangupReason.RxPhaseCUnspecified,
        T30State.B or T30State.C => HangupReason.Normal,
        _ => HangupReason.RxPhaseDUnspecified,
    };

    private HangupReason NoResponseReason() => State switch
    {
        T30State.D_PostTcf => HangupReason.DcsNoResponse,
        T30State.T_Dtc => HangupReason.RemoteCannotBePolled,
        T30State.II_Q or T30State.IV_Pps_Q when _ppmIsPageEnd => _ppm switch
        {
            FrameType.Mps => HangupReason.MpsNoResponse,
            FrameType.Eom => HangupReason.EomNoResponse,
            _ => HangupReason.EopNoResponse,
        },
        _ => HangupReason.TxPhaseDUnspecified,
    };

    private HangupReason InvalidResponseReason() => State switch
    {
        T30State.D_PostTcf => HangupReason.TxPhaseBInvalidResponse,
        T30State.T_Dtc => HangupReason.RemoteCannotBePolled,
        T30State.II_Q or T30State.IV_Pps_Q when _ppmIsPageEnd => _ppm switch
        {
            FrameType.Mps => HangupReason.MpsInvalidResponse,
            FrameType.Eom => HangupReason.EomInvalidResponse,
            _ => HangupReason.EopInvalidResponse,
        },
        _ => HangupReason.TxPhaseDUnspecified,
    };

    /// <summary>Records CSI/TSI/CIG/NSF/NSS/NSC/SUB/SID/PWD/SEP; these never change the state.</summary>
    private bool AbsorbIdentification(T30Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Csi or FrameType.Tsi or FrameType.Cig:
                _remoteIdent = SubscriberIdent.Decode(frame.Fif.Span);
                return true;
            case FrameType.Nsf or FrameType.Nss or FrameType.Nsc:
                _remoteNsf = NonStandardFacilities.Decode(frame.Fif.Span);
                return true;
            case FrameType.Sub or FrameType.Sid or FrameType.Pwd or FrameType.Sep:
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- output helpers

    private void Begin()
    {
        _out.Clear();
        _now = _time.GetUtcNow();
    }

    private IReadOnlyList<T30Command> End() => _out.Count == 0 ? NoCommands : _out.ToArray();

    private void Emit(T30Command command)
    {
        Log.Command(_logger, State, command);
        _out.Add(command);
    }

    private T30Frame MakeFrame(FrameType type, ReadOnlySpan<byte> fif = default, bool final = true) =>
        T30Frame.Create(type, _xBit, fif, final);

    /// <summary>Adds our identification frame (CSI before DIS, TSI before DCS, CIG before DTC; optional in T.30)
    /// when we have a local ident.</summary>
    private void AddLocalIdent(List<T30Frame> frames, FrameType identType)
    {
        if (_options.LocalIdent.Length > 0)
        {
            frames.Add(MakeFrame(identType, SubscriberIdent.Encode(_options.LocalIdent), final: false));
        }
    }

    /// <summary>Sends V.21 frames (after the turnaround silence) and moves to <paramref name="next"/>, whose
    /// handler gets TransmitComplete.</summary>
    private void Transmit(T30State next, IReadOnlyList<T30Frame> frames, bool withSilence = true)
    {
        State = next;
        _deadline = null;
        _badFrameDeadline = null;
        if (withSilence)
        {
            Emit(new Silence(_timers.TurnaroundSilence));
        }

        _framesSent += frames.Count;
        Emit(new SendFrames(frames));
        _txPending = true;
    }

    /// <summary>Sends TCF, a page or an ECM block on the high-speed carrier (after the turnaround silence) and
    /// moves to <paramref name="next"/>, whose handler gets TransmitComplete.</summary>
    private void TransmitHighSpeed(T30State next, T30Command transmission)
    {
        State = next;
        _deadline = null;
        Emit(new Silence(_timers.TurnaroundSilence));
        Emit(transmission);
        _txPending = true;
    }

    private void SendCommand(T30State next, params T30Frame[] frames)
    {
        _lastCommand = frames;
        _lastCommandState = next;
        _commandTries = 1;
        Transmit(next, frames);
    }

    private void RepeatCommand(HangupReason reasonWhenExhausted)
    {
        if (_lastCommand is null || _commandTries >= _options.MaxCommandTries)
        {
            Disconnect(reasonWhenExhausted);
            return;
        }

        _commandTries++;
        Log.Repeat(_logger, State, _commandTries);
        Transmit(_lastCommandState, _lastCommand);
    }

    private void SendResponse(T30State next, T30Frame response)
    {
        _lastResponse = response;
        _lastResponseState = next;
        _crpSent = 0;
        Transmit(next, [response]);
    }

    /// <summary>Our last response again (the far end asked with CRP, or repeated its command because the
    /// response was lost), from the state that sent it.</summary>
    private void RepeatResponse() => Transmit(_lastResponseState, [_lastResponse!]);

    /// <summary>Listen for frames until <paramref name="timeout"/> (T2 for commands, T4 for responses).</summary>
    private void AwaitFrames(TimeSpan timeout)
    {
        Emit(new ReceiveHdlc(timeout));
        _deadline = _now + timeout;
    }

    /// <summary>Moves to the flowchart node <paramref name="state"/> and listens there for frames until
    /// <paramref name="timeout"/>.</summary>
    private void AwaitFramesIn(T30State state, TimeSpan timeout)
    {
        State = state;
        AwaitFrames(timeout);
    }

    /// <summary>A state whose signal is going out: once it is sent, move to <paramref name="next"/> and listen
    /// for frames until <paramref name="timeout"/>; any other event takes the common path.</summary>
    private void AfterTransmitAwait(in T30Event e, T30State next, TimeSpan timeout)
    {
        if (e.Kind == EventKind.TransmitComplete)
        {
            AwaitFramesIn(next, timeout);
        }
        else
        {
            Otherwise(e);
        }
    }

    /// <summary>Phase E: send DCN, then hang up with <paramref name="reason"/>.</summary>
    private void Disconnect(HangupReason reason)
    {
        _pendingHangup = reason;
        Transmit(T30State.C, [MakeFrame(FrameType.Dcn)]);
    }

    private void OnC(in T30Event e)
    {
        if (e.Kind is EventKind.TransmitComplete or EventKind.Timeout)
        {
            Finish(_pendingHangup);
        }
    }

    /// <summary>Hang up now (the far end sent DCN, or DCN has gone out).</summary>
    private void Finish(HangupReason reason)
    {
        // A page on its way (or on its way again after RTN) when the call ends is not confirmed,
        // whatever an earlier attempt got.
        if (_pageInFlight && _dcs is not null)
        {
            _pages[_pageIndex] = PageResult(_pageIndex, PageOutcome.NotConfirmed);
            _pageInFlight = false;
        }

        if (_rxPageOpen && _dcs is not null)
        {
            _pages[_rxPageCount] = PageResult(_rxPageCount, PageOutcome.ReceiveIncomplete);
            _rxPageOpen = false;
        }

        var pages = new List<FaxPageResult>(_pages.Values);
        var success = reason == HangupReason.Normal && (IsSender && _options.PageSink is null
            ? _options.PageSource!.PageCount > 0 && pages.Count(p => p.IsConfirmed) == _options.PageSource.PageCount
            : pages.Any(p => p.IsConfirmed));
        Result = new FaxCallResult
        {
            Reason = reason,
            Success = success,
            Pages = pages,
            RemoteIdent = _remoteIdent,
            RemoteCapabilities = _remoteCapabilities,
            RemoteNsf = _remoteNsf,
            Mode = _dcs,
            Started = _started,
            Ended = _now,
            TrainingDuration = _firstCfrAt - _started,
            FramesSent = _framesSent,
            FramesReceived = _framesReceived,
            BadFramesReceived = _badFramesReceived,
        };
        State = T30State.CallFinished;
        _deadline = null;
        _badFrameDeadline = null;
        _txPending = false;
        Log.Finished(_logger, reason, pages.Count);
        _out.Add(new Hangup(reason));
    }

    private FaxPageResult PageResult(int index, PageOutcome outcome, int badLines = 0) => new()
    {
        PageIndex = index,
        Compression = _dcs!.Compression,
        Resolution = _dcs.Resolution,
        Width = _dcs.Width,
        Rate = _dcs.Rate,
        Ecm = _dcs.Ecm,
        Outcome = outcome,
        BadLines = badLines,
        ResentFrames = _resentFrames,
        Attempts = Math.Max(1, _pageAttempts),
        Duration = _now - _pageStartedAt,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "T.30 {State}: received {Frame}")]
        public static partial void FrameReceived(ILogger logger, T30State state, T30Frame frame);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "T.30 {State}: bad frame ({Why}, {Length} octets)")]
        public static partial void BadFrame(ILogger logger, T30State state, string why, int length);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "T.30 {State}: {Command}")]
        public static partial void Command(ILogger logger, T30State state, T30Command command);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "T.30 {State}: unexpected {Frame}")]
        public static partial void UnexpectedFrame(ILogger logger, T30State state, T30Frame frame);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "T.30 {State}: timer expired")]
        public static partial void TimerExpired(ILogger logger, T30State state);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "T.30 {State}: command repeated, try {Try}")]
        public static partial void Repeat(ILogger logger, T30State state, int @try);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "T.30 call finished: {Reason}, {Pages} page(s)")]
        public static partial void Finished(ILogger logger, HangupReason reason, int pages);
    }
}
