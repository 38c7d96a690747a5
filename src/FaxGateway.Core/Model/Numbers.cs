namespace FaxGateway.Core.Model;

/// <summary>A fax number (a DID or the subscriber number of a line) owned by an account.</summary>
public sealed record FaxNumber
{
    public required string Id { get; init; }

    /// <summary>E.164 text, e.g. +41441234567.</summary>
    public required string Number { get; init; }
    public required string OwnerId { get; init; }

    /// <summary>Member uids the number is assigned to; inbound faxes go to the first, else to the owner.</summary>
    public IReadOnlyList<string> AssignedTo { get; init; } = [];
    public required DateTimeOffset AcquiredAt { get; init; }

    /// <summary>FAX.PLUS NumberStatus wire value.</summary>
    public string Status { get; init; } = "active";

    /// <summary>The line that answers calls to this number, when it is the subscriber number of one line.</summary>
    public string? LineId { get; init; }
}

/// <summary>Whether a line may be used by the scheduler.</summary>
public enum LineHealthState
{
    InService,

    /// <summary>Failed several calls in a row: not used for jobs, probed until it answers again.</summary>
    OutOfService,
}

/// <summary>A telephone line (one modem) as the queue sees it.</summary>
public sealed record FaxLine
{
    public required string Id { get; init; }

    /// <summary>Subscriber number of the line (its CSI/TSI), may be empty.</summary>
    public string Number { get; init; } = "";
    public bool CanSend { get; init; } = true;
    public bool CanReceive { get; init; } = true;

    /// <summary>Account whose inbox receives calls that match no number.</summary>
    public string? DefaultAccountId { get; init; }
    public LineHealthState Health { get; init; } = LineHealthState.InService;
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset? LastCallAt { get; init; }
    public DateTimeOffset? HealthChangedAt { get; init; }
}
