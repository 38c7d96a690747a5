namespace FaxGateway.Protocol.Session;

/// <summary>T.30 timers (T.30 clause 5.4.3; values and tolerances as in spec 3.4). Overridable for odd lines.</summary>
public sealed record T30Timers
{
    /// <summary>T1, 35 ± 5 s: the time-out for the two stations to identify each other in phase B
    /// (the caller waits this long for DIS; the called station keeps repeating DIS until it expires).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromSeconds(35);

    /// <summary>T2, 6 ± 1 s: how long a station waits for a command (after sending a response,
    /// and for the start of phase C after CFR).</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>T4, 3.0 s ± 15 %: how long a station waits for the response to a command before repeating it.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>T5, 60 ± 5 s: ECM, how long the transmitter keeps polling with RR while the receiver answers RNR.</summary>
    public TimeSpan T5 { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>After a frame with a bad FCS, how long to wait for further frames (or the carrier drop) before
    /// acting on it (spandsp waits 200 ms after the carrier drops).</summary>
    public TimeSpan BadFrameGrace { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Once V.21 flags are heard, allow this long for the frame to finish (a V.21 frame lasts at most 3 s ± 15 %).</summary>
    public TimeSpan FrameInProgress { get; init; } = TimeSpan.FromSeconds(3.45);

    /// <summary>T.30 5.3.2.4: at least 75 ± 20 ms of silence before transmitting after receiving.</summary>
    public TimeSpan TurnaroundSilence { get; init; } = TimeSpan.FromMilliseconds(75);

    /// <summary>TCF: 1.5 s ± 10 % of zeros.</summary>
    public TimeSpan TcfDuration { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Phase C inactivity: data stopped for this long without an end counts as the end of the page.</summary>
    public TimeSpan PhaseCInactivity { get; init; } = TimeSpan.FromSeconds(6);
}
