using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Core.Lines;

/// <summary>
/// Health of one line. Failures that point at our side or the line (modem fault, no carrier, T.30
/// errors) count; busy and no answer are the far end's and count for nothing; a good call resets the
/// count. At the threshold the line goes out of service until a probe succeeds.
/// </summary>
public sealed class LineHealthTracker(string lineId, ILineRepository lines, int maxConsecutiveFailures, TimeProvider time)
{
    private int _consecutiveFailures;

    public LineHealthState State { get; private set; } = LineHealthState.InService;
    public int ConsecutiveFailures => _consecutiveFailures;

    public static bool CountsAgainstLine(FailureKind failure) =>
        failure is FailureKind.LineFault or FailureKind.NoCarrier or FailureKind.ProtocolError or FailureKind.PartialPages;

    /// <summary>Records a call's outcome; returns true when this call took the line out of service.</summary>
    public async Task<bool> RecordCallAsync(FailureKind failure, CancellationToken cancellationToken)
    {
        if (failure == FailureKind.None)
        {
            _consecutiveFailures = 0;
        }
        else if (CountsAgainstLine(failure))
        {
            _consecutiveFailures++;
        }
        else
        {
            return false;
        }

        var wentOut = State == LineHealthState.InService && _consecutiveFailures >= maxConsecutiveFailures;
        if (wentOut)
        {
            State = LineHealthState.OutOfService;
        }

        await lines.UpdateHealthAsync(lineId, State, _consecutiveFailures, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return wentOut;
    }

    /// <summary>A probe answered: back in service with a clean count.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        State = LineHealthState.InService;
        _consecutiveFailures = 0;
        await lines.UpdateHealthAsync(lineId, State, 0, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
