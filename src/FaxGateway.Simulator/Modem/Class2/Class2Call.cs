using System.Collections.Concurrent;
using FaxGateway.Modems.Framing;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Modem.Class2;

/// <summary>
/// The T.30 session a Class 2 / 2.0 virtual modem runs inside itself for one call: the project's
/// <see cref="T30Session"/> driven over the same line operations the Class 1 commands use (V.21 HDLC frames,
/// high-speed TCF and page carriers, silences), with gates where a real Class 2 modem waits for its DTE:
/// DIS is answered only after <c>AT+FDT</c>, a page is started only once the DTE has delivered it up to its
/// page marker, and a received page is answered (MCF/RTN) only after the DTE's page verdict and next
/// <c>AT+FDR</c>. Everything the DTE should hear is queued as report lines (<see cref="Reports"/>).
/// </summary>
internal sealed class Class2Call
{
    /// <summary>How long the modem waits for the far end to take its last frames (DCN) before it hangs up.</summary>
    private static readonly TimeSpan DcnGrace = TimeSpan.FromSeconds(2);

    private readonly VirtualModem _modem;
    private readonly VirtualCall _call;
    private readonly Class2Settings _settings;
    private readonly T30Session _session;
    private readonly TimeProvider _time;
    private readonly Class2PageBuffer? _pages;
    private readonly Class2PageReceiver? _received;
    private Transmission? _rx;
    private Transmission? _lastSent;
    private bool _sawFrame;
    private int _nextPage;

    public Class2Call(VirtualModem modem, VirtualCall call, Class2Settings settings, CallRole role)
    {
        _modem = modem;
        _call = call;
        _settings = settings;
        _time = modem.Clock;
        var capabilities = settings.LocalCapabilities();
        if (role == CallRole.Caller)
        {
            _pages = new Class2PageBuffer(settings.PageFormat());
        }
        else
        {
            _received = new Class2PageReceiver(this);
        }

        _session = new T30Session(
            new T30SessionOptions
            {
                Role = role,
                LocalIdent = settings.LocalId,
                LocalCapabilities = capabilities,
                PageSource = _pages,
                PageSink = _received,
                UseEcm = false,
                MaxRate = capabilities.Modems.HasFlag(ModemSupport.V17) ? FaxRate.V17_14400 : capabilities.Modems.HasFlag(ModemSupport.V29) ? FaxRate.V29_9600 : FaxRate.V27ter4800,

                // The DTE decides about a rejected page (it may send it again with +FDT); the modem goes on.
                RtnPolicy = RtnPolicy.Ignore,
            },
            _time);
    }

    /// <summary>Report lines for the DTE (+FCO, +FCI, +FIS, ...), in the order the session produced them.</summary>
    public ConcurrentQueue<string> Reports { get; } = new();

    /// <summary>Phase B reached: the caller has the remote's DIS, the answerer the sender's DCS.</summary>
    public bool Connected { get; private set; }

    /// <summary>The session is over; <see cref="HangupStatus"/> holds the +FHS/+FHNG reason.</summary>
    public bool Finished { get; private set; }

    public HangupReason HangupStatus { get; private set; } = HangupReason.Normal;

    /// <summary>The negotiated session (for +FCS / +FDCS).</summary>
    public DcsParameters? Mode => _session.Mode;

    // ---------------------------------------------------------------- sending (DTE side)

    /// <summary>Set by the first AT+FDT: the modem answers the remote's DIS with DCS and training.</summary>
    public bool TransmitRequested { get; private set; }

    /// <summary>The index of the page the session is ready to send (CFR or the answer to MPS arrived); -1 before.</summary>
    public int PageWanted { get; private set; } = -1;

    /// <summary>The remote's answers to the pages sent, in page order.</summary>
    public ConcurrentQueue<Class2PostPageResponse> PageResponses { get; } = new();

    public int PagesQueued => _pages?.Count ?? 0;

    public void RequestTransmit()
    {
        TransmitRequested = true;
        _modem.Wake();
    }

    public void AddPage(byte[] data, Class2PostPage message)
    {
        _pages!.Add(data, message);
        _modem.Wake();
    }

    // ---------------------------------------------------------------- receiving (DTE side)

    /// <summary>How many AT+FDR the DTE has issued in this call.</summary>
    public int ReceiveRequests { get; private set; }

    /// <summary>The DTE's verdict on the last page (+FPS=n / +FPTS=n); 1 = MCF until it says otherwise.</summary>
    public int PageVerdict { get; set; } = 1;

    public Class2PageReceiver? Received => _received;

    public void WakeModem() => _modem.Wake();

    public void RequestReceive()
    {
        ReceiveRequests++;
        _modem.Wake();
    }

    // ---------------------------------------------------------------- the engine loop

    /// <summary>Runs the session to its end, then hangs up the call (as a Class 2 modem does after DCN).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _session.OnLineLost();
        }
        finally
        {
            HangupStatus = _session.Result?.Reason ?? HangupReason.CallAborted;
            await LetLastFramesArriveAsync().ConfigureAwait(false);
            Finished = true;
            _call.HangUp(_modem);
            _modem.Wake();
        }
    }

    /// <summary>
    /// The modem hangs up after DCN, but not before the far end has heard it: on a real line the carrier reaches the
    /// far modem before the loop drops; here the far end must have taken the frame (bounded, in case it never listens).
    /// </summary>
    private async Task LetLastFramesArriveAsync()
    {
        if (_lastSent is not { } last)
        {
            return;
        }

        var until = _time.GetUtcNow() + DcnGrace;
        while (!last.IsDrained && !_call.HasEnded)
        {
            var woken = _modem.WakeUp.WaitAsync();
            var remaining = until - _time.GetUtcNow();
            if (last.IsDrained || _call.HasEnded || remaining <= TimeSpan.Zero)
            {
                return;
            }

            try
            {
                await woken.WaitAsync(remaining, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        var batch = _session.Start();
        T30Command? armed = null;
        while (!_session.IsFinished)
        {
            var transmitted = false;
            foreach (var command in batch)
            {
                switch (command)
                {
                    case Hangup:
                        return;
                    case Silence s:
                        if (_modem.IsRealTime)
                        {
                            await Task.Delay(_modem.Scale(s.Duration), _time, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case ReceiveHdlc or ReceiveTcf or ReceiveImage:
                        armed = command;
                        break;
                    default:
                        armed = null;
                        await TransmitAsync(command, cancellationToken).ConfigureAwait(false);
                        transmitted = true;
                        break;
                }
            }

            if (_call.HasEnded)
            {
                batch = _session.OnLineLost();
                continue;
            }

            if (transmitted)
            {
                batch = _session.OnTransmitComplete();
                continue;
            }

            batch = armed switch
            {
                ReceiveHdlc => await ReceiveFrameAsync(cancellationToken).ConfigureAwait(false),
                ReceiveTcf tcf => await ReceiveHighSpeedAsync(tcf.Rate, false, tcf: true, cancellationToken).ConfigureAwait(false),
                ReceiveImage image => await ReceiveHighSpeedAsync(image.Rate, image.ShortTraining, tcf: false, cancellationToken).ConfigureAwait(false),
                _ => await WaitForDeadlineAsync(cancellationToken).ConfigureAwait(false),
            };
        }
    }

    /// <summary>Waits until <paramref name="ready"/>, the call ends, or the engine's deadline passes (false).</summary>
    private async Task<bool> WaitAsync(Func<bool> ready, bool bounded, CancellationToken cancellationToken)
    {
        while (true)
        {
            var woken = _modem.WakeUp.WaitAsync();
            if (ready() || _call.HasEnded)
            {
                return true;
            }

            if (bounded && _session.NextDeadline is { } deadline)
            {
                var remaining = deadline - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    return false;
                }

                try
                {
                    await woken.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Look once more: the condition may have turned true at the deadline.
                }
            }
            else
            {
                await woken.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<T30Command>> WaitForDeadlineAsync(CancellationToken cancellationToken)
    {
        await WaitAsync(static () => false, bounded: true, cancellationToken).ConfigureAwait(false);
        return _call.HasEnded ? _session.OnLineLost() : _session.OnTimer(_time.GetUtcNow());
    }

    // ---------------------------------------------------------------- line: transmit

    private async Task TransmitAsync(T30Command command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case SendFrames frames:
                await SendFramesAsync(frames.Frames, cancellationToken).ConfigureAwait(false);
                break;
            case SendTcf tcf:
                await SendHighSpeedAsync(Modulation(tcf.Rate, false), new byte[tcf.Octets], cancellationToken).ConfigureAwait(false);
                break;
            case SendImage image:
                await SendHighSpeedAsync(Modulation(image.Rate, image.ShortTraining), image.Data, cancellationToken).ConfigureAwait(false);
                break;
            default:
                // ECM blocks: the virtual Class 2 modems negotiate without ECM.
                break;
        }
    }

    private async Task SendFramesAsync(IReadOnlyList<T30Frame> frames, CancellationToken cancellationToken)
    {
        var transmission = _call.StartTransmission(_modem, FaxModulation.V21);
        var clock = _time.GetUtcNow() + (_modem.IsRealTime ? _modem.Scale(FaxModulation.V21.TrainingTime) : TimeSpan.Zero);
        foreach (var frame in frames)
        {
            var octets = Crc16.AppendFcs(frame.Bytes.Span);
            var sent = new V21Frame(octets, true);
            _call.Record(_modem, "V.21 frame " + Convert.ToHexString(frame.Bytes.Span));
            if (_modem.IsRealTime)
            {
                clock = Max(clock, _time.GetUtcNow()) + _modem.Scale(FaxModulation.V21.TimeFor(octets.Length + 1));
                await DelayUntilAsync(clock, cancellationToken).ConfigureAwait(false);
            }

            if (_call.HasEnded)
            {
                break;
            }

            if (_call.OtherEnd(_modem).Line.Impair(sent) is { } arriving)
            {
                _call.Send(_modem, transmission, arriving);
            }
            else
            {
                _call.Record(_modem, "(frame lost on the line)");
            }
        }

        _call.EndTransmission(_modem, transmission);
        _lastSent = transmission;
    }

    private async Task SendHighSpeedAsync(FaxModulation modulation, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        const int Chunk = 4096;
        var transmission = _call.StartTransmission(_modem, modulation);
        var clock = _time.GetUtcNow() + (_modem.IsRealTime ? _modem.Scale(modulation.TrainingTime) : TimeSpan.Zero);
        for (var offset = 0; offset < data.Length && !_call.HasEnded; offset += Chunk)
        {
            var part = data.Slice(offset, Math.Min(Chunk, data.Length - offset)).ToArray();
            if (_modem.IsRealTime)
            {
                clock = Max(clock, _time.GetUtcNow()) + _modem.Scale(modulation.TimeFor(part.Length));
                await DelayUntilAsync(clock, cancellationToken).ConfigureAwait(false);
            }

            _call.Send(_modem, transmission, part);
        }

        _call.EndTransmission(_modem, transmission);
        _call.Record(_modem, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{modulation} {data.Length} octets"));
    }

    // ---------------------------------------------------------------- line: receive

    private async Task<IReadOnlyList<T30Command>> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        var inbound = _call.InboundOf(_modem);
        while (true)
        {
            if (_rx is null)
            {
                if (!await WaitAsync(() => !inbound.IsEmpty, bounded: true, cancellationToken).ConfigureAwait(false))
                {
                    return _session.OnTimer(_time.GetUtcNow());
                }

                if (!inbound.TryDequeue(out var head))
                {
                    return _session.OnLineLost();
                }

                if (!head.IsHdlc)
                {
                    // A high-speed carrier while listening for V.21: this receiver does not hear it.
                    continue;
                }

                _rx = head;
            }

            var carrier = _rx;
            if (!await WaitAsync(() => carrier.Frames.Count > 0 || carrier.EndedAt is not null, bounded: true, cancellationToken).ConfigureAwait(false))
            {
                return _session.OnTimer(_time.GetUtcNow());
            }

            if (carrier.Frames.TryRead(out var frame))
            {
                return await OnFrameAsync(frame, cancellationToken).ConfigureAwait(false);
            }

            if (_call.HasEnded)
            {
                return _session.OnLineLost();
            }

            if (carrier.IsDrained)
            {
                _rx = null;
            }
        }
    }

    private async Task<IReadOnlyList<T30Command>> ReceiveHighSpeedAsync(FaxRate rate, bool shortTraining, bool tcf, CancellationToken cancellationToken)
    {
        if (_rx is { } partly && !partly.IsDrained)
        {
            // Still inside a V.21 carrier: the sender talks HDLC (a repeated DCS or post-page message).
            return tcf ? await ReceiveFrameAsync(cancellationToken).ConfigureAwait(false) : _session.OnCarrier(FaxCarrier.V21, true);
        }

        _rx = null;
        var modulation = Modulation(rate, shortTraining);
        var inbound = _call.InboundOf(_modem);
        Transmission carrier;
        while (true)
        {
            if (!await WaitAsync(() => !inbound.IsEmpty, bounded: true, cancellationToken).ConfigureAwait(false))
            {
                return _session.OnTimer(_time.GetUtcNow());
            }

            if (!inbound.TryPeek(out var head))
            {
                return _session.OnLineLost();
            }

            if (head.IsHdlc)
            {
                return tcf ? await ReceiveFrameAsync(cancellationToken).ConfigureAwait(false) : _session.OnCarrier(FaxCarrier.V21, true);
            }

            inbound.TryDequeue(out _);
            if (head.Modulation.CanBeReceivedBy(modulation))
            {
                carrier = head;
                break;
            }

            _call.Record(_modem, $"listening for {modulation}, heard {head.Modulation}");
        }

        var collected = new List<byte>();
        IReadOnlyList<T30Command> result = tcf ? [] : _session.OnCarrier(FaxCarrier.HighSpeed, true);
        while (true)
        {
            await WaitAsync(() => carrier.Data.Count > 0 || carrier.EndedAt is not null, bounded: false, cancellationToken).ConfigureAwait(false);
            while (carrier.Data.TryRead(out var chunk))
            {
                var data = chunk.ToArray();
                _modem.Line.Impair(data);
                if (tcf)
                {
                    collected.AddRange(data);
                }
                else
                {
                    result = Keep(result, _session.OnPageData(data));
                }
            }

            if (carrier.EndedAt is not null && carrier.Data.Count == 0 || _call.HasEnded)
            {
                break;
            }
        }

        if (_call.HasEnded)
        {
            return _session.OnLineLost();
        }

        return tcf ? _session.OnTcf(TcfStatistics.Measure([.. collected])) : Keep(result, _session.OnPageEnd());
    }

    /// <summary>The later batch replaces an earlier one (receive commands re-arm), but a hang-up is never lost.</summary>
    private static IReadOnlyList<T30Command> Keep(IReadOnlyList<T30Command> earlier, IReadOnlyList<T30Command> later) =>
        later.Count == 0 || earlier.Any(c => c is Hangup) ? earlier : later;

    // ---------------------------------------------------------------- what the DTE sees, and where it waits

    private async Task<IReadOnlyList<T30Command>> OnFrameAsync(V21Frame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.Octets.AsSpan(0, Math.Max(0, frame.Octets.Length - 2)).ToArray();
        if (!frame.FcsValid || !T30Frame.TryParse(bytes, out var parsed, out _))
        {
            return _session.OnFrame(bytes, false);
        }

        if (!_sawFrame)
        {
            _sawFrame = true;
            Reports.Enqueue(_settings.Is20 ? "+FCO" : "+FCON");
        }

        switch (parsed.Type)
        {
            case FrameType.Csi:
                Reports.Enqueue((_settings.Is20 ? "+FCI:\"" : "+FCSI:\"") + SubscriberIdent.Decode(parsed.Fif.Span) + "\"");
                break;
            case FrameType.Tsi:
                Reports.Enqueue((_settings.Is20 ? "+FTI:\"" : "+FTSI:\"") + SubscriberIdent.Decode(parsed.Fif.Span) + "\"");
                break;
            case FrameType.Dis when _pages is not null:
                Reports.Enqueue((_settings.Is20 ? "+FIS:" : "+FDIS:") + Class2Settings.Format(FaxCapabilities.Decode(parsed.Fif.Span), _settings.Is20));
                Announce();

                // A Class 2 modem answers DIS only when the DTE asks to send (AT+FDT); meanwhile the remote repeats DIS.
                await WaitAsync(() => TransmitRequested, bounded: false, cancellationToken).ConfigureAwait(false);
                break;
            case FrameType.Dcs when _received is not null:
                Reports.Enqueue((_settings.Is20 ? "+FCS:" : "+FDCS:") + Class2Settings.Format(DcsParameters.Decode(parsed.Fif.Span), _settings.Is20));
                Announce();
                break;
            case FrameType.Cfr when _pages is not null:
                await WaitForPageAsync(cancellationToken).ConfigureAwait(false);
                break;
            case FrameType.Mcf or FrameType.Rtp or FrameType.Rtn or FrameType.Pin or FrameType.Pip when _pages is not null && _session.State == T30State.II_Q:
                var response = parsed.Type switch
                {
                    FrameType.Mcf => Class2PostPageResponse.Mcf,
                    FrameType.Rtp => Class2PostPageResponse.Rtp,
                    FrameType.Rtn => Class2PostPageResponse.Rtn,
                    FrameType.Pin => Class2PostPageResponse.Pin,
                    _ => Class2PostPageResponse.Pip,
                };
                PageResponses.Enqueue(response);
                var message = _pages.MessageAfter(_nextPage);
                _nextPage++;
                _modem.Wake();
                if (message != Class2PostPage.Eop && response is Class2PostPageResponse.Mcf or Class2PostPageResponse.Rtp or Class2PostPageResponse.Rtn)
                {
                    await WaitForPageAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            case FrameType.Mps or FrameType.Eom or FrameType.Eop or FrameType.PriMps or FrameType.PriEom or FrameType.PriEop
                when _received is not null && _received.PageOpen:
                var ended = _received.PagesBegun;
                _received.EndOfData(parsed.Type switch
                {
                    FrameType.Mps or FrameType.PriMps => Class2PostPage.Mps,
                    FrameType.Eom or FrameType.PriEom => Class2PostPage.Eom,
                    _ => Class2PostPage.Eop,
                });

                // The answer (MCF/RTN) waits for the DTE's verdict: it comes with the next AT+FDR.
                await WaitAsync(() => ReceiveRequests > ended, bounded: false, cancellationToken).ConfigureAwait(false);
                break;
        }

        return _session.OnFrame(bytes, true);
    }

    private void Announce()
    {
        Connected = true;
        _modem.Wake();
    }

    /// <summary>The session can send page <see cref="_nextPage"/> now: let +FDT say CONNECT and wait for the page's marker.</summary>
    private async Task WaitForPageAsync(CancellationToken cancellationToken)
    {
        PageWanted = _nextPage;
        _modem.Wake();
        var wanted = _nextPage;
        await WaitAsync(() => _pages!.Count > wanted, bounded: false, cancellationToken).ConfigureAwait(false);
    }

    private Task DelayUntilAsync(DateTimeOffset when, CancellationToken cancellationToken)
    {
        var wait = when - _time.GetUtcNow();
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, cancellationToken);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static FaxModulation Modulation(FaxRate rate, bool shortTraining) =>
        FaxModulation.TryFromHighSpeedCode(rate.Class1Code(shortTraining), out var modulation) ? modulation : FaxModulation.V21;
}

/// <summary>Post-page messages as Class 2 codes them (+FET, AT+FET=n).</summary>
internal enum Class2PostPage
{
    Mps = 0,
    Eom = 1,
    Eop = 2,
}

/// <summary>Post-page responses as Class 2 codes them (+FPS/+FPTS).</summary>
internal enum Class2PostPageResponse
{
    Mcf = 1,
    Rtn = 2,
    Rtp = 3,
    Pin = 4,
    Pip = 5,
}
