namespace FaxGateway.Core.Model;

public enum FaxDirection
{
    Outgoing,
    Incoming,
}

/// <summary>A finished fax in an account's history (FAX.PLUS fax record): sent, received or spam.</summary>
public sealed record FaxRecord
{
    /// <summary>24 hex chars.</summary>
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required FaxDirection Direction { get; init; }

    /// <summary>FAX.PLUS FaxStatus wire value (success, failed_user_busy, ...).</summary>
    public required string Status { get; init; }
    public string Description { get; init; } = "";

    /// <summary>The failure behind <see cref="Status"/>, for API faces with other status vocabularies (Twilio).</summary>
    public FailureKind Failure { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public int Pages { get; init; }
    public string Comment { get; init; } = "";
    public bool IsRead { get; init; }
    public bool IsSpam { get; init; }

    /// <summary>The stored TIFF-F pages (sent document or received pages), if any.</summary>
    public string? FileId { get; init; }
    public string FileName { get; init; } = "";
    public required DateTimeOffset StartTime { get; init; }
    public int DurationSeconds { get; init; }
    public DateTimeOffset? SubmitTime { get; init; }
    public DateTimeOffset? ScheduledTime { get; init; }
    public int? MaxRetry { get; init; }
    public int? RetryDelay { get; init; }

    /// <summary>Session id of the last attempt (webhook <c>data.id</c>); F2 accepts it as well as <see cref="Id"/>.</summary>
    public required string SessionId { get; init; }

    /// <summary>First session id (webhook <c>hook.id</c>).</summary>
    public required string HookId { get; init; }
    public string? JobId { get; init; }
    public string? OutboxId { get; init; }
    public string? LineId { get; init; }
    public string RemoteIdent { get; init; } = "";
    public string? CoverPageJson { get; init; }
    public required DateTimeOffset LastUpdate { get; init; }
}

/// <summary>FAX.PLUS fax list categories.</summary>
public enum FaxCategory
{
    Inbox,
    Sent,
    Spam,
}

/// <summary>A filter for an account's fax history; newest first.</summary>
public sealed record FaxQuery(string AccountId, FaxCategory? Category, DateTimeOffset? After, DateTimeOffset? Before, int Limit);
