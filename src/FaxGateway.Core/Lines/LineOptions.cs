namespace FaxGateway.Core.Lines;

/// <summary>Line pool behaviour (configuration section <c>Lines</c>).</summary>
public sealed class LineOptions
{
    public const string SectionName = "Lines";

    /// <summary>Failed calls in a row (our side or the call's set-up, not busy/no answer) that take a line out of service.</summary>
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>How often an out-of-service line is probed.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest single call (dial to hang-up); a line that exceeds it is reset.</summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromMinutes(30);

    public IEnumerable<string> Validate()
    {
        if (MaxConsecutiveFailures < 1)
        {
            yield return "Lines:MaxConsecutiveFailures must be at least 1.";
        }

        if (ProbeInterval <= TimeSpan.Zero || MaxCallDuration <= TimeSpan.Zero)
        {
            yield return "Lines:ProbeInterval and Lines:MaxCallDuration must be positive.";
        }
    }
}
