namespace FaxGateway.Core.Model;

/// <summary>
/// The life of one outgoing fax job (one recipient). Only <see cref="Sent"/>, <see cref="Failed"/> and
/// <see cref="Cancelled"/> are final; every change is one storage transaction.
/// </summary>
public enum JobState
{
    /// <summary>Accepted, documents not converted yet (FAX.PLUS outbox status <c>submitted</c>).</summary>
    Submitted,

    /// <summary>Documents being rendered to TIFF-F pages (<c>converting</c>).</summary>
    Converting,

    /// <summary>Waiting for its send time, a retry slot or a free line (<c>scheduled_for_sending</c>).</summary>
    Scheduled,

    /// <summary>Claimed by a line: dialling or transmitting (<c>sending</c>).</summary>
    Sending,

    /// <summary>Every page confirmed by the far end's MCF.</summary>
    Sent,
    Failed,
    Cancelled,
}

/// <summary>Which API created a job; both live on one queue.</summary>
public enum JobOrigin
{
    FaxPlus,
    Twilio,
}

/// <summary>Why a call or a job failed. Drives the retry policy and the FAX.PLUS fax status.</summary>
public enum FailureKind
{
    None,

    /// <summary>Far end busy.</summary>
    Busy,

    /// <summary>No answer, or answered without a fax tone.</summary>
    NoAnswer,

    /// <summary>Carrier lost / never established (modem NO CARRIER).</summary>
    NoCarrier,

    /// <summary>T.30 failure: unexpected frame, timeout, DCN, training failed, pages rejected.</summary>
    ProtocolError,

    /// <summary>Our side: no dial tone, modem error or vanished modem. Not the job's fault.</summary>
    LineFault,

    /// <summary>The call ended after some but not all pages were confirmed.</summary>
    PartialPages,

    /// <summary>The daemon stopped while the job was on a line; the outcome is unknown, so it is not sent.</summary>
    Interrupted,

    /// <summary>The destination is not a dialable number.</summary>
    InvalidNumber,

    /// <summary>The documents could not be converted to fax pages.</summary>
    ConversionFailed,

    /// <summary>The document type is not supported.</summary>
    UnsupportedDocument,

    /// <summary>The kill time passed before the fax could be sent.</summary>
    Expired,

    /// <summary>Retries exhausted is recorded with the last failure kind; this marks internal errors.</summary>
    Internal,
}

/// <summary>Retry override of one send (FAX.PLUS <c>options.retry</c>): tries in total and seconds between them.</summary>
public sealed record RetryOverride(int? Count, int? DelaySeconds);

/// <summary>
/// One FAX.PLUS outbox entry: a send request to one or more destinations. Each destination is a
/// <see cref="FaxJob"/>; the entry is visible in the outbox while any job is unfinished.
/// </summary>
public sealed record OutboxEntry
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required JobOrigin Origin { get; init; }
    public required string From { get; init; }
    public required IReadOnlyList<string> To { get; init; }

    /// <summary>Upload file ids in page order.</summary>
    public required IReadOnlyList<string> FileIds { get; init; }

    /// <summary>The upload paths as the client sent them (FAX.PLUS <c>/transient-...</c>), echoed in the outbox.</summary>
    public IReadOnlyList<string> FilePaths { get; init; } = [];
    public string CommentText { get; init; } = "";
    public IReadOnlyList<string> CommentTags { get; init; } = [];
    public bool Enhancement { get; init; } = true;
    public RetryOverride? Retry { get; init; }
    public DateTimeOffset? SendTime { get; init; }
    public required DateTimeOffset SubmitTime { get; init; }

    /// <summary>Cover page request as JSON (FAX.PLUS OutboxCoverPage), kept verbatim.</summary>
    public string? CoverPageJson { get; init; }
    public string? ClientIp { get; init; }

    /// <summary>The converted TIFF-F document shared by all jobs of the entry, once converted.</summary>
    public string? DocumentFileId { get; init; }
    public int PageCount { get; init; }

    /// <summary>The resolution the document is rendered at; null for the daemon's default (<c>Documents:Resolution</c>).</summary>
    public FaxGateway.Imaging.FaxResolution? Resolution { get; init; }

    /// <summary>The client's <c>Idempotency-Key</c>, when it sent one: a repeat of the request gets this entry again.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Fingerprint of the request that created the entry (a key reused for another request is refused).</summary>
    public string? RequestHash { get; init; }
}

/// <summary>One recipient of an <see cref="OutboxEntry"/>: the unit the scheduler claims and a line sends.</summary>
public sealed record FaxJob
{
    public required string Id { get; init; }
    public required string OutboxId { get; init; }
    public required string AccountId { get; init; }
    public required JobOrigin Origin { get; init; }
    public required string Destination { get; init; }
    public required string From { get; init; }
    public required JobState State { get; init; }

    /// <summary>Higher first.</summary>
    public int Priority { get; init; }

    /// <summary>Not to be dialled before this time (send_time, then retry delays).</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>Give up at this time (HylaFAX's killtime).</summary>
    public required DateTimeOffset KillAt { get; init; }

    /// <summary>Calls made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>Tries of the failure kind seen last, for the per-kind retry counts.</summary>
    public int FailuresOfLastKind { get; init; }
    public FailureKind LastFailure { get; init; }
    public string LastFailureText { get; init; } = "";
    public RetryOverride? Retry { get; init; }

    /// <summary>The first session id: FAX.PLUS return_ids value and webhook <c>hook.id</c>.</summary>
    public required string HookId { get; init; }

    /// <summary>The current or last session id (webhook <c>data.id</c>); a new one per attempt.</summary>
    public required string SessionId { get; init; }
    public string? LineId { get; init; }
    public string? DocumentFileId { get; init; }
    public int PageCount { get; init; }
    public int PagesConfirmed { get; init; }
    public string RemoteIdent { get; init; } = "";
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>A state change of a job, kept for FAX.PLUS <c>status_changes</c>.</summary>
public sealed record JobStateChange(string JobId, JobState State, DateTimeOffset At);

/// <summary>The outcome a line attempt leaves on a job that is not final yet (retry) or final (completion).</summary>
public sealed record AttemptRecord
{
    public required FailureKind Failure { get; init; }
    public string FailureText { get; init; } = "";
    public int PagesConfirmed { get; init; }
    public string RemoteIdent { get; init; } = "";
    public required DateTimeOffset At { get; init; }
}
