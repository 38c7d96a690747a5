using System.Runtime.InteropServices;
using System.Text;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Protocol.Tests.Interop;

/// <summary>
/// Our engine on one end of a simulated line, spandsp's T.30 terminal on the other. The line plays
/// the modems of both: it carries HDLC frames, TCF and image data between them, with transmit times,
/// and drives spandsp's timers at 8000 samples/s from the same FakeTimeProvider our engine uses.
/// </summary>
internal sealed class SpandspLine : IDisposable
{
    private const int SamplesPerStep = 160; // 20 ms at 8000 samples/s
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private readonly SpandspT30.SetHandler _setRx;
    private readonly SpandspT30.SetHandler _setTx;
    private readonly SpandspT30.SendHdlcHandler _sendHdlc;
    private readonly SpandspT30.PhaseEHandler _phaseE;
    private readonly SpandspT30.MessageHandler _message;
    private readonly Queue<T30Command> _ourTransmits = new();
    private readonly List<byte[]> _peerBurst = [];
    private readonly IntPtr _peer;

    private T30Command? _ourListening;
    private int _peerRxType;
    private bool _peerRxHdlc;
    private int _peerTxType;
    private int _peerTxRate;
    private bool _peerTxHdlc;
    private bool _peerStepPending;
    private bool _peerBurstEnded;
    private bool _peerBurstAnnounced;

    public SpandspLine(T30SessionOptions ours, bool peerCalls, Action<IntPtr> configurePeer)
    {
        Ours = new T30Session(ours, Time);
        _setRx = (_, type, _, _, hdlc) =>
        {
            _peerRxType = type;
            _peerRxHdlc = hdlc != 0;
        };
        _setTx = (_, type, rate, _, hdlc) =>
        {
            Log.AppendLine($"{Stamp} spandsp tx type {type} rate {rate} hdlc {hdlc}");
            _peerTxType = type;
            _peerTxRate = rate;
            _peerTxHdlc = hdlc != 0;
            if (type is not (SpandspT30.ModemNone or SpandspT30.ModemDone) && !_peerTxHdlc)
            {
                _peerStepPending = true;
            }
        };
        _sendHdlc = (_, msg, len) =>
        {
            if (msg == IntPtr.Zero || len <= 0)
            {
                _peerBurstEnded = true;
            }
            else
            {
                var frame = new byte[len];
                Marshal.Copy(msg, frame, 0, len);
                _peerBurst.Add(frame);
            }

            _peerStepPending = true;
        };
        _phaseE = (_, _, code) => PeerCompletion = code;
        _message = (_, text) => Log.Append($"{Stamp} spandsp: {Marshal.PtrToStringUTF8(text)}");
        _peer = SpandspT30.t30_init(IntPtr.Zero, peerCalls ? 1 : 0, _setRx, IntPtr.Zero, _setTx, IntPtr.Zero, _sendHdlc, IntPtr.Zero);
        Assert.NotEqual(IntPtr.Zero, _peer);
        var logging = SpandspT30.t30_get_logging_state(_peer);
        SpandspT30.span_log_set_message_handler(logging, _message);
        SpandspT30.span_log_set_level(logging, 0x0800 | 0x1000 | 5); // protocol, tags, flow
        SpandspT30.t30_set_phase_e_handler(_peer, _phaseE, IntPtr.Zero);
        SpandspT30.t30_set_tx_ident(_peer, "SPANDSP");
        configurePeer(_peer);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public T30Session Ours { get; }

    public int? PeerCompletion { get; private set; }

    /// <summary>ECM frame numbers lost on the line in the first partial page each side sends (PPR exercise).</summary>
    public HashSet<int> LoseEcmFramesOnce { get; init; } = [];

    public int EcmFramesLost { get; private set; }

    private readonly HashSet<(bool FromOurs, int Frame)> _lostAlready = [];

    private bool LoseOnLine(bool fromOurs, byte[] frame)
    {
        if (frame.Length < 4 || Fcf.TypeOf(frame[2]) != FrameType.Fcd || !LoseEcmFramesOnce.Contains(frame[3]) || !_lostAlready.Add((fromOurs, frame[3])))
        {
            return false;
        }

        EcmFramesLost++;
        Log.AppendLine($"{Stamp} line lost ECM frame {frame[3]} from {(fromOurs ? "ours" : "spandsp")}");
        return true;
    }

    public StringBuilder Log { get; } = new();

    public string? PeerRemoteIdent => Marshal.PtrToStringUTF8(SpandspT30.t30_get_rx_ident(_peer));

    /// <summary>spandsp's transfer statistics (t30_stats_t): [2] pages sent, [3] pages received, [1] ECM, [0] bit rate.</summary>
    public int[] PeerStatistics()
    {
        var stats = new int[32];
        SpandspT30.t30_get_transfer_statistics(_peer, stats);
        return stats;
    }

    private string Stamp => $"{(Time.GetUtcNow() - new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)).TotalSeconds,8:F3}";

    public void Run(TimeSpan limit)
    {
        var end = Time.GetUtcNow() + limit;
        Apply(Ours.Start());
        while (!(Ours.IsFinished && PeerCompletion is not null))
        {
            Assert.True(Time.GetUtcNow() < end, $"call did not finish in {limit}\n{Log}");
            if (_ourTransmits.TryDequeue(out var command))
            {
                DeliverOurs(command);
                Apply(Ours.OnTransmitComplete());
                continue;
            }

            if (_peerStepPending)
            {
                _peerStepPending = false;
                ServicePeer();
                continue;
            }

            Advance(Step);
        }
    }

    public void Dispose() => SpandspT30.t30_free(_peer);

    private void Advance(TimeSpan time)
    {
        for (var t = TimeSpan.Zero; t < time; t += Step)
        {
            Time.Advance(Step);
            SpandspT30.t30_timer_update(_peer, SamplesPerStep);
            if (Ours.NextDeadline is { } deadline && deadline <= Time.GetUtcNow())
            {
                Apply(Ours.OnTimer(Time.GetUtcNow()));
            }
        }
    }

    private void Apply(IReadOnlyList<T30Command> batch)
    {
        foreach (var command in batch)
        {
            Log.AppendLine($"{Stamp} ours {Describe(command)}");
            switch (command)
            {
                case ReceiveHdlc or ReceiveTcf or ReceiveImage:
                    _ourListening = command;
                    break;
                case Silence silence:
                    Advance(silence.Duration);
                    break;
                case Hangup:
                    _ourListening = null;
                    break;
                default:
                    _ourListening = null;
                    _ourTransmits.Enqueue(command);
                    break;
            }
        }
    }

    private static string Describe(T30Command command) => command switch
    {
        SendFrames f => "SendFrames " + string.Join(" ", f.Frames),
        SendEcmBlock b => $"SendEcmBlock {b.Rate} {b.Frames.Count} frames",
        SendImage i => $"SendImage {i.Rate} {i.Data.Length} octets",
        _ => command.ToString(),
    };

    private bool PeerListensHighSpeed => _peerRxType is SpandspT30.ModemV27ter or SpandspT30.ModemV29 or SpandspT30.ModemV17;

    /// <summary>Our transmission reaches spandsp if its receiver is set for it.</summary>
    private void DeliverOurs(T30Command command)
    {
        switch (command)
        {
            case SendFrames frames:
                Advance(TimeSpan.FromSeconds(1 + (frames.Frames.Sum(f => f.Length + 4) * 8 / 300.0)));
                if (_peerRxType != SpandspT30.ModemNone)
                {
                    SpandspT30.t30_hdlc_accept(_peer, null, SpandspT30.SigStatusCarrierUp, 1);
                    foreach (var frame in frames.Frames)
                    {
                        var bytes = frame.Bytes.ToArray();
                        SpandspT30.t30_hdlc_accept(_peer, bytes, bytes.Length, 1);
                    }

                    SpandspT30.t30_hdlc_accept(_peer, null, SpandspT30.SigStatusCarrierDown, 1);
                }

                break;
            case SendTcf tcf:
                DeliverNonEcm(new byte[tcf.Octets], tcf.Duration);
                break;
            case SendImage image:
                DeliverNonEcm(image.Data.ToArray(), TimeSpan.FromSeconds(image.Data.Length * 8.0 / image.Rate.BitsPerSecond));
                break;
            case SendEcmBlock block:
                Advance(TimeSpan.FromSeconds(block.Frames.Sum(f => f.Length + 4) * 8.0 / block.Rate.BitsPerSecond));
                if (PeerListensHighSpeed && _peerRxHdlc)
                {
                    SpandspT30.t30_hdlc_accept(_peer, null, SpandspT30.SigStatusTrainingSucceeded, 1);
                    foreach (var frame in block.Frames)
                    {
                        var bytes = frame.Bytes.ToArray();
                        if (!LoseOnLine(fromOurs: true, bytes))
                        {
                            SpandspT30.t30_hdlc_accept(_peer, bytes, bytes.Length, 1);
                        }
                    }

                    SpandspT30.t30_hdlc_accept(_peer, null, SpandspT30.SigStatusCarrierDown, 1);
                }

                break;
            default:
                break;
        }
    }

    private void DeliverNonEcm(byte[] data, TimeSpan duration)
    {
        Advance(duration);
        if (PeerListensHighSpeed && !_peerRxHdlc)
        {
            SpandspT30.t30_non_ecm_put_bit(_peer, SpandspT30.SigStatusTrainingSucceeded);
            SpandspT30.t30_non_ecm_put_chunk(_peer, data, data.Length);
            SpandspT30.t30_non_ecm_put_bit(_peer, SpandspT30.SigStatusCarrierDown);
        }
    }

    /// <summary>spandsp's modem has something to send (tone, frame, TCF, image): play it to our engine.</summary>
    private void ServicePeer()
    {
        switch (_peerTxType)
        {
            case SpandspT30.ModemCed or SpandspT30.ModemCng or SpandspT30.ModemPause:
                Advance(TimeSpan.FromMilliseconds(200));
                SpandspT30.t30_front_end_status(_peer, SpandspT30.FrontEndSendStepComplete);
                break;
            case SpandspT30.ModemNone or SpandspT30.ModemDone:
                break;
            case var _ when _peerTxHdlc && _peerTxType != SpandspT30.ModemV21:
                // ECM phase C: frames flow one by one at the high-speed rate.
                foreach (var frame in _peerBurst)
                {
                    Advance(TimeSpan.FromSeconds((frame.Length + 4) * 8.0 / Math.Max(2400, _peerTxRate)));
                    if (_ourListening is ReceiveImage { Ecm: true } && !LoseOnLine(fromOurs: false, frame))
                    {
                        Apply(Ours.OnFrame(frame, fcsOk: true));
                    }
                }

                _peerBurst.Clear();
                if (_peerBurstEnded)
                {
                    _peerBurstEnded = false;
                    if (_ourListening is ReceiveImage { Ecm: true })
                    {
                        Apply(Ours.OnPageEnd());
                    }
                }

                SpandspT30.t30_front_end_status(_peer, SpandspT30.FrontEndSendStepComplete);
                break;
            case var _ when _peerTxHdlc:
                if (!_peerBurstAnnounced && _peerBurst.Count > 0 && _ourListening is ReceiveHdlc)
                {
                    // V.21 flags are on the line: a Class 1 modem answers +FRH=3 with CONNECT now.
                    _peerBurstAnnounced = true;
                    Apply(Ours.OnCarrier(FaxCarrier.V21, true));
                }

                if (_peerBurstEnded)
                {
                    _peerBurstAnnounced = false;
                    _peerBurstEnded = false;
                    var burst = _peerBurst.ToArray();
                    _peerBurst.Clear();
                    DeliverPeerFrames(burst);
                }

                SpandspT30.t30_front_end_status(_peer, SpandspT30.FrontEndSendStepComplete);
                break;
            default:
                // TCF or a non-ECM page: pulled from spandsp chunk by chunk and played out in real time,
                // as a modem would, so our engine sees the data flowing.
                var data = new MemoryStream();
                var buffer = new byte[1800];
                var rate = _peerTxRate > 0 ? _peerTxRate : 9600;
                int got;
                do
                {
                    got = SpandspT30.t30_non_ecm_get_chunk(_peer, buffer, buffer.Length);
                    if (got <= 0)
                    {
                        break;
                    }

                    data.Write(buffer, 0, got);
                    Advance(TimeSpan.FromSeconds(got * 8.0 / rate));
                    if (_ourListening is ReceiveImage { Ecm: false })
                    {
                        Apply(Ours.OnPageData(buffer.AsSpan(0, got)));
                    }
                }
                while (got == buffer.Length);

                Log.AppendLine($"{Stamp} spandsp sent {data.Length} octets at {rate} bit/s");
                if (_ourListening is ReceiveTcf)
                {
                    Apply(Ours.OnTcf(TcfStatistics.Measure(data.ToArray())));
                }
                else if (_ourListening is ReceiveImage { Ecm: false })
                {
                    Apply(Ours.OnPageEnd());
                }

                SpandspT30.t30_front_end_status(_peer, SpandspT30.FrontEndSendStepComplete);
                break;
        }
    }

    private void DeliverPeerFrames(byte[][] burst)
    {
        Advance(TimeSpan.FromSeconds(1 + (burst.Sum(f => f.Length + 4) * 8 / 300.0)));
        if (_ourListening is ReceiveImage)
        {
            Apply(Ours.OnCarrier(FaxCarrier.V21, true));
        }

        if (_ourListening is ReceiveHdlc)
        {
            foreach (var frame in burst)
            {
                Apply(Ours.OnFrame(frame, fcsOk: true));
            }
        }
        else
        {
            Log.AppendLine($"{Stamp} ours missed {burst.Length} frame(s) from spandsp ({string.Join(" ", burst.Select(b => T30Frame.TryParse(b, out var f, out _) ? f.ToString() : "?"))})");
        }
    }
}
