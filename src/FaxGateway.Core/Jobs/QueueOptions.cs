using FaxGateway.Core.Model;

namespace FaxGateway.Core.Jobs;

/// <summary>One retry rule: how many calls in total may end with this failure, and the wait before the next.</summary>
public sealed class RetryRule
{
    public int Tries { get; set; }
    public TimeSpan Delay { get; set; }
}

/// <summary>
/// Queue behaviour (configuration section <c>Queue</c>). Defaults follow HylaFAX's long-proven ones:
/// a 3 hour kill time, a few minutes between busy retries.
/// </summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>Jobs not sent this long after their send time fail as expired.</summary>
    public TimeSpan KillAfter { get; set; } = TimeSpan.FromHours(3);

    /// <summary>At most this many jobs dial the same destination at once.</summary>
    public int MaxConcurrentPerDestination { get; set; } = 1;

    /// <summary>How often the scheduler looks for due work when nothing signals it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Recipients per send request.</summary>
    public int MaxRecipients { get; set; } = 1000;

    /// <summary>Files per send request (FAX.PLUS: 10).</summary>
    public int MaxFilesPerSend { get; set; } = 10;

    /// <summary>Unused uploads are removed after this time.</summary>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Priority of FAX.PLUS jobs; Twilio jobs may use another.</summary>
    public int DefaultPriority { get; set; }

    /// <summary>
    /// A retried job starts at the first page the far end has not confirmed with MCF (HylaFAX's behaviour),
    /// so the recipient does not get the confirmed pages twice; the header line keeps the document's page
    /// numbers. False: every call sends the whole document again.
    /// </summary>
    public bool ResumeAtFirstUnconfirmedPage { get; set; } = true;

    public RetryRule Busy { get; set; } = new() { Tries = 5, Delay = TimeSpan.FromMinutes(3) };
    public RetryRule NoAnswer { get; set; } = new() { Tries = 3, Delay = TimeSpan.FromMinutes(5) };
    public RetryRule NoCarrier { get; set; } = new() { Tries = 3, Delay = TimeSpan.FromMinutes(5) };
    public RetryRule ProtocolError { get; set; } = new() { Tries = 3, Delay = TimeSpan.FromMinutes(2) };
    public RetryRule PartialPages { get; set; } = new() { Tries = 3, Delay = TimeSpan.FromMinutes(2) };

    /// <summary>Our own line broke: the job is not at fault, so it goes back soon, to another line if there is one.</summary>
    public RetryRule LineFault { get; set; } = new() { Tries = 10, Delay = TimeSpan.FromSeconds(30) };

    /// <summary>The daemon stopped during the call: outcome unknown, so the fax is sent again.</summary>
    public RetryRule Interrupted { get; set; } = new() { Tries = 3, Delay = TimeSpan.FromSeconds(10) };

    public RetryRule? RuleFor(FailureKind kind) => kind switch
    {
        FailureKind.Busy => Busy,
        FailureKind.NoAnswer => NoAnswer,
        FailureKind.NoCarrier => NoCarrier,
        FailureKind.ProtocolError => ProtocolError,
        FailureKind.PartialPages => PartialPages,
        FailureKind.LineFault => LineFault,
        FailureKind.Interrupted => Interrupted,
        _ => null,
    };

    /// <summary>Checks the values; returns one message per problem.</summary>
    public IEnumerable<string> Validate()
    {
        if (KillAfter <= TimeSpan.Zero)
        {
            yield return "Queue:KillAfter must be positive.";
        }

        if (MaxConcurrentPerDestination < 1)
        {
            yield return "Queue:MaxConcurrentPerDestination must be at least 1.";
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            yield return "Queue:PollInterval must be positive.";
        }

        if (MaxRecipients < 1 || MaxFilesPerSend < 1)
        {
            yield return "Queue:MaxRecipients and Queue:MaxFilesPerSend must be at least 1.";
        }

        foreach (var (name, rule) in new[] { ("Busy", Busy), ("NoAnswer", NoAnswer), ("NoCarrier", NoCarrier), ("ProtocolError", ProtocolError), ("PartialPages", PartialPages), ("LineFault", LineFault), ("Interrupted", Interrupted) })
        {
            if (rule.Tries < 1 || rule.Delay < TimeSpan.Zero)
            {
                yield return $"Queue:{name} needs Tries >= 1 and a non-negative Delay.";
            }
        }
    }
}

/// <summary>What to do after a failed call.</summary>
public readonly record struct RetryDecision(bool Retry, DateTimeOffset NotBefore, int FailuresOfKind);

/// <summary>
/// Decides retries per failure kind. A send's <c>options.retry</c> (tries in total, seconds between)
/// replaces the per-kind rules for failures at the far end; our own line faults keep their rule, since
/// the user's budget should not pay for a broken modem. The kill time bounds everything.
/// </summary>
public sealed class RetryPolicy(QueueOptions options)
{
    public RetryDecision Decide(FaxJob job, FailureKind failure, DateTimeOffset now)
    {
        var failuresOfKind = job.LastFailure == failure ? job.FailuresOfLastKind + 1 : 1;
        var rule = options.RuleFor(failure);
        if (rule is null)
        {
            return new RetryDecision(false, now, failuresOfKind);
        }

        var tries = rule.Tries;
        var delay = rule.Delay;
        var countAgainst = failuresOfKind;
        if (job.Retry is { } overrideRule && failure is not (FailureKind.LineFault or FailureKind.Interrupted))
        {
            tries = overrideRule.Count is > 0 ? overrideRule.Count.Value : tries;
            delay = overrideRule.DelaySeconds is >= 0 ? TimeSpan.FromSeconds(overrideRule.DelaySeconds.Value) : delay;

            // options.retry.count counts every call of the job, whatever each one ended with.
            countAgainst = job.Attempts;
        }

        var notBefore = now + delay;
        var retry = countAgainst < tries && notBefore < job.KillAt;
        return new RetryDecision(retry, notBefore, failuresOfKind);
    }
}
