using System.Collections.Concurrent;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Simulator.Line;

/// <summary>How a call attempt ended up, as the caller's modem reports it.</summary>
public enum CallOutcome
{
    /// <summary>The called modem went off hook.</summary>
    Answered,
    /// <summary>The called line was busy (in a call, or configured busy): <c>BUSY</c>.</summary>
    Busy,
    /// <summary>Ringing went unanswered: <c>NO ANSWER</c>.</summary>
    NoAnswer,
    /// <summary>No such number: the caller hears no fax answer and reports <c>NO CARRIER</c>.</summary>
    Unreachable,
    /// <summary>The caller gave up before an answer.</summary>
    Abandoned,
}

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>Still up (or ringing).</summary>
    None,
    /// <summary>The caller's side hung up (ATH, ATZ, port closed, fault).</summary>
    CallerHungUp,
    /// <summary>The called side hung up.</summary>
    CalleeHungUp,
    /// <summary>Nobody answered, or the caller gave up while it rang.</summary>
    NotAnswered,
    /// <summary>The simulator shut down.</summary>
    Shutdown,
}

/// <summary>
/// One call on the virtual PSTN: ringing, then two directions of line signals, each a queue of carriers that
/// the receiving modem takes in order. A trace of what went on the line (CNG, CED, carriers, frames) is kept
/// for tests and for <c>faxgw simulate -v</c>.
/// </summary>
public sealed class VirtualCall
{
    private readonly ConcurrentQueue<Transmission> _toCaller = new();
    private readonly ConcurrentQueue<Transmission> _toCallee = new();
    private readonly ConcurrentQueue<string> _trace = new();
    private readonly List<Transmission> _open = [];
    private readonly TaskCompletionSource<CallOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ended = new();
    private readonly TimeProvider _time;
    private int _endReason;

    private readonly DelayLine _towardCaller;
    private readonly DelayLine _towardCallee;

    internal VirtualCall(VirtualModem caller, VirtualModem callee, TimeProvider time, TimeSpan latency, CancellationToken shutdown)
    {
        Caller = caller;
        Callee = callee;
        _time = time;
        _towardCaller = new DelayLine(time, latency, shutdown);
        _towardCallee = new DelayLine(time, latency, shutdown);
    }

    /// <summary>The dialling modem.</summary>
    public VirtualModem Caller { get; }

    /// <summary>The called modem.</summary>
    public VirtualModem Callee { get; }

    /// <summary>Completes when the call is answered or fails to be.</summary>
    public Task<CallOutcome> Outcome => _outcome.Task;

    /// <summary>Why the call ended; <see cref="CallEndReason.None"/> while it is up.</summary>
    public CallEndReason EndReason => (CallEndReason)Volatile.Read(ref _endReason);

    /// <summary>True once either side hung up.</summary>
    public bool HasEnded => _ended.IsCancellationRequested;

    /// <summary>Cancelled when the call ends.</summary>
    public CancellationToken EndedToken => _ended.Token;

    /// <summary>What went on the line so far, one line per signal ("caller CNG", "callee V.21 frame FF 13 80 …").</summary>
    public IReadOnlyCollection<string> Trace => _trace;

    internal void Record(VirtualModem from, string signal) => _trace.Enqueue((from == Caller ? "caller " : "callee ") + signal);

    internal ConcurrentQueue<Transmission> InboundOf(VirtualModem modem) => modem == Caller ? _toCaller : _toCallee;

    internal VirtualModem OtherEnd(VirtualModem modem) => modem == Caller ? Callee : Caller;

    /// <summary>Puts something on the line from <paramref name="from"/>: the far modem notices it after the line latency.</summary>
    private void Deliver(VirtualModem from, Action deliver) => (from == Caller ? _towardCallee : _towardCaller).Post(deliver);

    internal void Send(VirtualModem from, Transmission transmission, V21Frame frame) => Deliver(from, () => transmission.Send(frame));

    internal void Send(VirtualModem from, Transmission transmission, ReadOnlyMemory<byte> data) => Deliver(from, () => transmission.Send(data));

    internal bool Answer()
    {
        if (HasEnded || !_outcome.TrySetResult(CallOutcome.Answered))
        {
            return false;
        }

        Record(Callee, "answered");
        return true;
    }

    internal void Fail(CallOutcome outcome)
    {
        if (_outcome.TrySetResult(outcome))
        {
            End(CallEndReason.NotAnswered);
        }
    }

    /// <summary>Starts a carrier from <paramref name="from"/> toward the other end.</summary>
    internal Transmission StartTransmission(VirtualModem from, FaxModulation modulation)
    {
        var transmission = new Transmission(modulation, _time.GetUtcNow(), OtherEnd(from));
        lock (_open)
        {
            if (HasEnded)
            {
                transmission.End(_time.GetUtcNow());
                return transmission;
            }

            _open.Add(transmission);
        }

        Record(from, modulation + " carrier on");
        var receiver = OtherEnd(from);
        Deliver(from, () =>
        {
            InboundOf(receiver).Enqueue(transmission);
            receiver.Wake();
        });
        return transmission;
    }

    internal void EndTransmission(VirtualModem from, Transmission transmission)
    {
        lock (_open)
        {
            _open.Remove(transmission);
        }

        Record(from, transmission.Modulation + " carrier off");
        Deliver(from, () => transmission.End(_time.GetUtcNow()));
    }

    /// <summary>Hangs the call up from <paramref name="by"/>'s side; both modems notice (NO CARRIER where a DTE waits).</summary>
    public void HangUp(VirtualModem by) => End(by == Caller ? CallEndReason.CallerHungUp : CallEndReason.CalleeHungUp);

    internal void End(CallEndReason reason)
    {
        Transmission[] open;
        lock (_open)
        {
            if (HasEnded)
            {
                return;
            }

            Volatile.Write(ref _endReason, (int)reason);
            _ended.Cancel();
            open = [.. _open];
            _open.Clear();
        }

        _outcome.TrySetResult(CallOutcome.Abandoned);
        var now = _time.GetUtcNow();
        foreach (var t in open)
        {
            t.End(now);
        }

        _trace.Enqueue("hangup: " + reason);
        _towardCaller.Close();
        _towardCallee.Close();
        Caller.OnCallEnded(this);
        Callee.OnCallEnded(this);
    }
}
