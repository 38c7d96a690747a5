using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Framing;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Modems.Calls;

/// <summary>
/// Runs one <see cref="T30Session"/> over a connected <see cref="Class1Modem"/>: engine commands become +FTH/+FRH,
/// +FTM/+FRM and +FTS/+FRS primitives, driver results become engine inputs, and the engine's deadlines bound every
/// receive (so its T1/T2/T4/T5 come from the connection's <see cref="TimeProvider"/>). One loop, no threads: the
/// engine is fed from here only.
/// </summary>
internal sealed class Class1FaxSession
{
    private const int WriteChunk = 4096;
    private const int EcmPreambleFlags = 32;
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(20);

    private readonly Class1Modem _modem;
    private readonly T30Session _session;
    private readonly TimeProvider _time;
    private readonly T30Timers _timers;
    private bool _lastWasTransmit;
    private long _frameArrived;

    public Class1FaxSession(Class1Modem modem, T30Session session, T30Timers timers)
    {
        _modem = modem;
        _session = session;
        _time = modem.Connection.Time;
        _timers = timers;
    }

    /// <summary>Raised with each batch of engine commands (for tracing and the response-time benchmark).</summary>
    public event Action<IReadOnlyList<T30Command>>? Commands;

    /// <summary>
    /// Raised when we start answering a frame: the time from the frame being in our hands (its receive returned) to the
    /// first command of our response going to the modem. The T.30 turnaround silence (+FRS) comes after this point.
    /// </summary>
    public event Action<TimeSpan>? ResponseLatency;

    /// <summary>
    /// Runs the session to its end and hangs up. The caller's modem is in implicit +FRH=3 after ATD's CONNECT, the
    /// answerer's in implicit +FTH=3 after ATA's. Modem failures propagate as <see cref="ModemException"/>.
    /// </summary>
    public async Task<FaxCallResult> RunAsync(CancellationToken cancellationToken)
    {
        _lastWasTransmit = false;
        var batch = _session.Start();
        T30Command? armed = null;
        while (true)
        {
            Trace(batch);
            TimeSpan? silence = null;
            var transmitted = false;
            foreach (var command in batch)
            {
                switch (command)
                {
                    case Hangup:
                        await HangupQuietlyAsync(cancellationToken).ConfigureAwait(false);
                        return _session.Result!;
                    case Silence s:
                        silence = s.Duration;
                        break;
                    case ReceiveHdlc or ReceiveTcf or ReceiveImage:
                        armed = command;
                        break;
                    default:
                        armed = null;
                        ReportLatency();
                        await SilenceAsync(silence, cancellationToken).ConfigureAwait(false);
                        silence = null;
                        await TransmitAsync(command, cancellationToken).ConfigureAwait(false);
                        transmitted = true;
                        break;
                }
            }

            if (transmitted)
            {
                batch = _session.OnTransmitComplete();
                continue;
            }

            if (armed is null)
            {
                // Nothing armed: only a timer can move the engine on.
                batch = await WaitForDeadlineAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            batch = armed switch
            {
                ReceiveHdlc => await ReceiveFrameAsync(cancellationToken).ConfigureAwait(false),
                ReceiveTcf tcf => await ReceiveTcfAsync(tcf, cancellationToken).ConfigureAwait(false),
                ReceiveImage image => await ReceiveImageAsync(image, cancellationToken).ConfigureAwait(false),
                _ => [],
            };
        }
    }

    /// <summary>
    /// Ends the session after a failure or cancellation: the engine records the call as aborted (in-flight page not
    /// confirmed) and, when the modem is still usable, DCN goes out and the modem hangs up.
    /// </summary>
    public async Task<FaxCallResult> AbortAsync(bool lineUsable, CancellationToken cancellationToken)
    {
        var batch = _session.Abort();
        if (lineUsable)
        {
            try
            {
                foreach (var command in batch)
                {
                    if (command is SendFrames frames)
                    {
                        await TransmitAsync(frames, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is ModemException or OperationCanceledException)
            {
                // Best effort: the call is being abandoned anyway.
            }
        }

        if (!_session.IsFinished)
        {
            _session.OnTransmitComplete();
        }

        if (lineUsable)
        {
            await HangupQuietlyAsync(cancellationToken).ConfigureAwait(false);
        }

        return _session.Result!;
    }

    private void ReportLatency()
    {
        if (_frameArrived != 0)
        {
            ResponseLatency?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(_frameArrived));
            _frameArrived = 0;
        }
    }

    private void Trace(IReadOnlyList<T30Command> batch)
    {
        if (batch.Count > 0)
        {
            Commands?.Invoke(batch);
        }
    }

    private TimeSpan UntilDeadline(TimeSpan fallback)
    {
        if (_session.NextDeadline is not { } deadline)
        {
            return fallback;
        }

        var wait = deadline - _time.GetUtcNow();
        return wait < MinimumWait ? MinimumWait : wait;
    }

    private async Task<IReadOnlyList<T30Command>> WaitForDeadlineAsync(CancellationToken cancellationToken)
    {
        if (_session.NextDeadline is null)
        {
            throw new ModemException(ModemFailure.LineBroken, $"{_modem.Connection.Name}: the T.30 engine is waiting for nothing");
        }

        await Task.Delay(UntilDeadline(_timers.T2), _time, cancellationToken).ConfigureAwait(false);
        return _session.OnTimer(_time.GetUtcNow());
    }

    private async Task SilenceAsync(TimeSpan? silence, CancellationToken cancellationToken)
    {
        if (silence is not { } duration || duration <= TimeSpan.Zero)
        {
            return;
        }

        duration = duration > TimeSpan.FromMilliseconds(2550) ? TimeSpan.FromMilliseconds(2550) : duration;

        // After receiving: wait until the line has been quiet (+FRS); after sending: put silence on it (+FTS).
        if (_lastWasTransmit)
        {
            await _modem.SendSilenceAsync(duration, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _modem.WaitForSilenceAsync(duration, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TransmitAsync(T30Command command, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case SendFrames frames:
                await _modem.SendFramesAsync(frames.Frames.Select(f => f.Bytes).ToArray(), cancellationToken).ConfigureAwait(false);
                break;
            case SendTcf tcf:
                await SendHighSpeedAsync(Carrier(tcf.Rate, shortTraining: false), new byte[tcf.Octets], cancellationToken).ConfigureAwait(false);
                break;
            case SendImage image:
                await SendHighSpeedAsync(Carrier(image.Rate, image.ShortTraining), image.Data, cancellationToken).ConfigureAwait(false);
                break;
            case SendEcmBlock block:
                await SendHighSpeedAsync(Carrier(block.Rate, block.ShortTraining), EncodeBlock(block), cancellationToken).ConfigureAwait(false);
                break;
            default:
                break;
        }

        _lastWasTransmit = true;
    }

    /// <summary>T.4 Annex A on the high-speed carrier: preamble flags, then every frame HDLC-framed (zero insertion, FCS).</summary>
    private static byte[] EncodeBlock(SendEcmBlock block)
    {
        var encoder = default(HdlcEncoder);
        var size = HdlcEncoder.MaxFlagsLength(EcmPreambleFlags) + 1;
        foreach (var frame in block.Frames)
        {
            size += HdlcEncoder.MaxFrameLength(frame.Length);
        }

        var output = new byte[size];
        var n = encoder.WriteFlags(EcmPreambleFlags, output);
        foreach (var frame in block.Frames)
        {
            n += encoder.WriteFrame(frame.Bytes.Span, output.AsSpan(n));
        }

        n += encoder.Flush(output.AsSpan(n));
        return output.AsSpan(0, n).ToArray();
    }

    private async Task SendHighSpeedAsync(Class1Carrier carrier, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var transmitter = await _modem.StartImageTransmitAsync(carrier, msbFirstData: false, cancellationToken).ConfigureAwait(false);
        for (var offset = 0; offset < data.Length; offset += WriteChunk)
        {
            await transmitter.WriteAsync(data.Slice(offset, Math.Min(WriteChunk, data.Length - offset)), cancellationToken).ConfigureAwait(false);
        }

        await transmitter.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<T30Command>> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        var result = await _modem.ReceiveFrameAsync(UntilDeadline(_timers.T2), cancellationToken).ConfigureAwait(false);
        _lastWasTransmit = false;
        _frameArrived = result.Status == HdlcReceiveStatus.Frame ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        return result.Status switch
        {
            HdlcReceiveStatus.Frame => _session.OnFrame(result.Frame, result.FcsOk),
            HdlcReceiveStatus.NoCarrier or HdlcReceiveStatus.Error => Either(_session.OnCarrier(FaxCarrier.V21, false), () => _session.OnTimer(_time.GetUtcNow())),
            _ => _session.OnTimer(_time.GetUtcNow()),
        };
    }

    private async Task<IReadOnlyList<T30Command>> ReceiveTcfAsync(ReceiveTcf tcf, CancellationToken cancellationToken)
    {
        var (status, receiver) = await _modem.StartImageReceiveAsync(Carrier(tcf.Rate, shortTraining: false), msbFirstData: false, UntilDeadline(_timers.T2), cancellationToken).ConfigureAwait(false);
        _lastWasTransmit = false;
        _frameArrived = 0;
        switch (status)
        {
            case ImageReceiveStatus.Connected:
                byte[] data;
                await using (receiver!.ConfigureAwait(false))
                {
                    data = await receiver!.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                }

                // CFR/FTT answers the TCF: its end is what the response time counts from.
                _frameArrived = System.Diagnostics.Stopwatch.GetTimestamp();
                return _session.OnTcf(TcfStatistics.Measure(data));
            case ImageReceiveStatus.CarrierMismatch or ImageReceiveStatus.HdlcInstead:
                // V.21 instead of TCF: the sender is repeating DCS. Read it; the engine takes it as a new DCS.
                return await ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
            default:
                return _session.OnTimer(_time.GetUtcNow());
        }
    }

    private async Task<IReadOnlyList<T30Command>> ReceiveImageAsync(ReceiveImage image, CancellationToken cancellationToken)
    {
        var (status, receiver) = await _modem.StartImageReceiveAsync(Carrier(image.Rate, image.ShortTraining), msbFirstData: false, UntilDeadline(_timers.T2), cancellationToken).ConfigureAwait(false);
        _lastWasTransmit = false;
        _frameArrived = 0;
        switch (status)
        {
            case ImageReceiveStatus.Connected:
                break;
            case ImageReceiveStatus.CarrierMismatch or ImageReceiveStatus.HdlcInstead:
                return _session.OnCarrier(FaxCarrier.V21, true);
            default:
                return _session.OnTimer(_time.GetUtcNow());
        }

        var collected = new BatchCollector();
        await using (receiver!.ConfigureAwait(false))
        {
            collected.Add(_session.OnCarrier(FaxCarrier.HighSpeed, true));
            var deframer = image.Ecm ? new HdlcDecoder(image.EcmFrameSize + 8) : null;
            while (true)
            {
                var chunk = await receiver!.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (chunk.IsEmpty)
                {
                    break;
                }

                if (deframer is null)
                {
                    collected.Add(_session.OnPageData(chunk.Span));
                }
                else
                {
                    deframer.Decode(chunk.Span, (frame, fcsOk) => collected.Add(_session.OnFrame(frame, fcsOk)));
                }
            }
        }

        collected.Add(_session.OnPageEnd());
        return collected.Result;
    }

    private async Task HangupQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _modem.HangupAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException)
        {
            // The call is over either way; the connection has been through its Break and reports itself.
        }
    }

    private static IReadOnlyList<T30Command> Either(IReadOnlyList<T30Command> first, Func<IReadOnlyList<T30Command>> second) =>
        first.Count > 0 ? first : second();

    private static Class1Carrier Carrier(FaxRate rate, bool shortTraining) => (Class1Carrier)rate.Class1Code(shortTraining);

    /// <summary>
    /// The engine's answers to the inputs of one high-speed receive: the later batch replaces an earlier one
    /// (receive commands re-arm), but a hang-up is never lost.
    /// </summary>
    private sealed class BatchCollector
    {
        private IReadOnlyList<T30Command> _result = [];

        public IReadOnlyList<T30Command> Result => _result;

        public void Add(IReadOnlyList<T30Command> batch)
        {
            if (batch.Count == 0 || _result.Any(c => c is Hangup))
            {
                return;
            }

            _result = batch;
        }
    }
}
