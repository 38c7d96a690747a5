using FaxGateway.Core.Events;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Core.Jobs;

/// <summary>A send request as the queue sees it, whichever API it came through.</summary>
public sealed record SendRequest
{
    public required string AccountId { get; init; }
    public JobOrigin Origin { get; init; } = JobOrigin.FaxPlus;

    /// <summary>Our number, or <c>no_number</c>.</summary>
    public required string From { get; init; }
    public required IReadOnlyList<string> To { get; init; }

    /// <summary>Upload file ids of the account, in page order.</summary>
    public required IReadOnlyList<string> FileIds { get; init; }
    public IReadOnlyList<string> FilePaths { get; init; } = [];
    public string Comment { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];
    public bool Enhancement { get; init; } = true;
    public RetryOverride? Retry { get; init; }
    public DateTimeOffset? SendTime { get; init; }
    public string? CoverPageJson { get; init; }
    public string? ClientIp { get; init; }
    public int? Priority { get; init; }

    /// <summary>Render the document at this resolution (Twilio's <c>Quality</c>); null for the daemon's default.</summary>
    public FaxGateway.Imaging.FaxResolution? Resolution { get; init; }

    /// <summary>
    /// The client's idempotency key (HTTP <c>Idempotency-Key</c>): a second request with the same key in the account
    /// gets the entry the first created, nothing new; with a different <see cref="RequestHash"/> it is refused.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Fingerprint of the request's content, compared when its idempotency key was seen before.</summary>
    public string? RequestHash { get; init; }
}

/// <summary>What a submit created; <paramref name="Replayed"/> when an idempotency key named an entry created before.</summary>
public sealed record SubmitResult(OutboxEntry Entry, IReadOnlyList<FaxJob> Jobs, bool Replayed = false);

/// <summary>
/// The job lifecycle: accepts sends, cancels them, and applies every call outcome (sent only when every
/// page was confirmed by MCF; otherwise retry per failure kind or fail). Each change is one transaction
/// of <see cref="IJobRepository"/> that also carries the fax record and the callbacks it causes.
/// </summary>
public sealed partial class JobService(
    IJobRepository jobs,
    IFileRepository files,
    INumberRepository numbers,
    FaxEventPublisher events,
    QueueSignal signal,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<JobService> logger,
    Metrics.FaxMetrics? metrics = null)
{
    /// <summary>The literal FAX.PLUS members without a number send as <c>from</c>.</summary>
    public const string NoNumber = "no_number";

    /// <summary>A send time this far in the past is still "now" (client clocks drift).</summary>
    private static readonly TimeSpan SendTimeTolerance = TimeSpan.FromMinutes(1);

    private readonly QueueOptions _options = options.Value;
    private readonly RetryPolicy _retry = new(options.Value);

    public async Task<SubmitResult> SubmitAsync(SendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A repeat comes first, before any check: a retried request must get its answer even if, say, its send time
        // has passed meanwhile.
        if (await ReplayAsync(request, cancellationToken).ConfigureAwait(false) is { } replayed)
        {
            return replayed;
        }

        var now = time.GetUtcNow();
        if (request.To.Count == 0)
        {
            throw new FaxRequestException("invalid_request", "'to' needs at least one destination number.");
        }

        if (request.To.Count > _options.MaxRecipients)
        {
            throw new FaxRequestException("too_many_recipients", $"At most {_options.MaxRecipients} destinations per send, got {request.To.Count}.");
        }

        if (request.FileIds.Count == 0)
        {
            throw new FaxRequestException("invalid_request", "'files' needs at least one uploaded file path.");
        }

        if (request.FileIds.Count > _options.MaxFilesPerSend)
        {
            throw new FaxRequestException("too_many_files", $"At most {_options.MaxFilesPerSend} files per send, got {request.FileIds.Count}.");
        }

        var destinations = new List<string>(request.To.Count);
        foreach (var to in request.To)
        {
            if (!PhoneNumbers.TryNormalize(to, out var normalized))
            {
                throw new FaxRequestException("invalid_number", $"'{to}' is not a fax number (E.164 such as +41441234567 expected).");
            }

            destinations.Add(normalized);
        }

        var from = await CheckFromAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var fileId in request.FileIds)
        {
            var file = await files.GetAsync(request.AccountId, fileId, cancellationToken).ConfigureAwait(false);
            if (file is null || file.Kind != StoredFileKind.Upload)
            {
                throw new FaxRequestException("file_not_found", $"No uploaded file '{fileId}' in this account.");
            }
        }

        if (request.SendTime is { } sendTime && sendTime < now - SendTimeTolerance)
        {
            throw new FaxRequestException("invalid_send_time", $"send_time {sendTime:u} is in the past.");
        }

        if (request.Retry is { Count: < 0 } or { DelaySeconds: < 0 })
        {
            throw new FaxRequestException("invalid_request", "options.retry count and delay must not be negative.");
        }

        var notBefore = request.SendTime is { } t && t > now ? t : now;
        var entry = new OutboxEntry
        {
            Id = FaxIds.NewLong(),
            AccountId = request.AccountId,
            Origin = request.Origin,
            From = from,
            To = destinations,
            FileIds = request.FileIds,
            FilePaths = request.FilePaths,
            CommentText = request.Comment,
            CommentTags = request.Tags,
            Enhancement = request.Enhancement,
            Retry = request.Retry,
            SendTime = request.SendTime,
            SubmitTime = now,
            CoverPageJson = request.CoverPageJson,
            ClientIp = request.ClientIp,
            Resolution = request.Resolution,
            IdempotencyKey = request.IdempotencyKey,
            RequestHash = request.IdempotencyKey is null ? null : request.RequestHash,
        };
        var created = new List<FaxJob>(destinations.Count);
        foreach (var destination in destinations)
        {
            var hookId = FaxIds.NewShort();
            created.Add(new FaxJob
            {
                Id = FaxIds.NewLong(),
                OutboxId = entry.Id,
                AccountId = request.AccountId,
                Origin = request.Origin,
                Destination = destination,
                From = from,
                State = JobState.Submitted,
                Priority = request.Priority ?? _options.DefaultPriority,
                NotBefore = notBefore,
                KillAt = notBefore + _options.KillAfter,
                Retry = request.Retry,
                HookId = hookId,
                SessionId = hookId,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        try
        {
            await jobs.SubmitAsync(entry, created, cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateIdempotencyKeyException)
        {
            // The same key raced in from a parallel request and won: answer with its entry.
            return await ReplayAsync(request, cancellationToken).ConfigureAwait(false)
                ?? throw new FaxRequestException("idempotency_key_in_use", "A request with this Idempotency-Key is being processed; try again.");
        }

        signal.Pulse();
        return new SubmitResult(entry, created);
    }

    private async Task<SubmitResult?> ReplayAsync(SendRequest request, CancellationToken cancellationToken)
    {
        if (request.IdempotencyKey is not { } key
            || await jobs.FindByIdempotencyKeyAsync(request.AccountId, key, cancellationToken).ConfigureAwait(false) is not { } earlier)
        {
            return null;
        }

        if (!string.Equals(earlier.RequestHash, request.RequestHash, StringComparison.Ordinal))
        {
            throw new FaxRequestException("idempotency_key_reused", $"Idempotency-Key '{key}' was used for a different request (outbox entry {earlier.Id}).");
        }

        return new SubmitResult(earlier, await jobs.ListJobsAsync(earlier.Id, cancellationToken).ConfigureAwait(false), Replayed: true);
    }

    private async Task<string> CheckFromAsync(SendRequest request, CancellationToken cancellationToken)
    {
        if (string.Equals(request.From, NoNumber, StringComparison.Ordinal))
        {
            return NoNumber;
        }

        if (!PhoneNumbers.TryNormalize(request.From, out var from))
        {
            throw new FaxRequestException("invalid_number", $"'from' '{request.From}' is not a fax number.");
        }

        var owned = await numbers.ListVisibleAsync(request.AccountId, cancellationToken).ConfigureAwait(false);
        if (!owned.Any(n => n.Number == from))
        {
            throw new FaxRequestException("invalid_from", $"'from' {from} is not a number of this account.");
        }

        return from;
    }

    /// <summary>Cancels the unfinished jobs of an outbox entry unless one is on a line.</summary>
    public async Task<CancelOutcome> CancelAsync(string accountId, string outboxId, CancellationToken cancellationToken)
    {
        var entry = await jobs.GetOutboxAsync(accountId, outboxId, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return CancelOutcome.NotFound;
        }

        var all = await jobs.ListJobsAsync(outboxId, cancellationToken).ConfigureAwait(false);
        if (all.Any(j => j.State == JobState.Sending))
        {
            return CancelOutcome.Busy;
        }

        var open = all.Where(j => !IsFinal(j.State)).ToList();
        if (open.Count == 0)
        {
            return CancelOutcome.NotFound;
        }

        var now = time.GetUtcNow();
        var attempt = new AttemptRecord { Failure = FailureKind.None, FailureText = "cancelled", At = now };

        // A cancelled job keeps the count of pages its earlier calls got confirmed.
        var batch = new JobCompletionBatch([.. open.Select(j => new JobCompletion(j, JobState.Cancelled, attempt with { PagesConfirmed = j.PagesConfirmed }, null))], []);

        // A job claimed between the read and this write makes the compare-and-set fail: it is sending now.
        return await jobs.CompleteAsync(batch, cancellationToken).ConfigureAwait(false) ? CancelOutcome.Cancelled : CancelOutcome.Busy;
    }

    /// <summary>
    /// The document page (1-based) the next call of <paramref name="job"/> starts at: the first page the far end
    /// has not confirmed with MCF when <see cref="QueueOptions.ResumeAtFirstUnconfirmedPage"/> is on, else page 1.
    /// </summary>
    public int FirstPageFor(FaxJob job)
    {
        ArgumentNullException.ThrowIfNull(job);

        // Never past the last page: a job whose every page is confirmed is sent, not dialled again, but a
        // count left by a run with the option off must not make a call with nothing to send.
        return _options.ResumeAtFirstUnconfirmedPage && job.PageCount > 0 ? Math.Clamp(job.PagesConfirmed + 1, 1, job.PageCount) : 1;
    }

    /// <summary>
    /// Applies the outcome of one call of <paramref name="job"/> (state <see cref="JobState.Sending"/>), which
    /// started at <see cref="FirstPageFor"/>. The job's confirmed count is the run of leading document pages
    /// confirmed by MCF: with resuming on, the pages confirmed before this call plus those this call
    /// confirmed without a gap; the job is sent when that run covers the document.
    /// </summary>
    public async Task<JobState> RecordAttemptAsync(FaxJob job, FaxSendResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        var now = time.GetUtcNow();
        var firstPage = FirstPageFor(job);
        var confirmed = firstPage - 1 + result.ConfirmedRun(firstPage);

        // Resuming, the MCFs of earlier calls count: every page confirmed is sent, even if this call then ended
        // badly (there is nothing left to send). Without it, one call has to confirm the whole document cleanly.
        var sent = _options.ResumeAtFirstUnconfirmedPage
            ? job.PageCount > 0 && confirmed >= job.PageCount
            : result.AllPagesConfirmed(job.PageCount);
        if (sent)
        {
            var done = new AttemptRecord { Failure = FailureKind.None, PagesConfirmed = job.PageCount, RemoteIdent = result.RemoteIdent, At = now };
            await CompleteAsync(job, JobState.Sent, done, result.StartedAt, result.Duration, cancellationToken).ConfigureAwait(false);
            LogSent(logger, job.Id, job.LineId ?? "", job.PageCount);
            metrics?.JobSent(now - job.CreatedAt);
            return JobState.Sent;
        }

        // A call that "completed" without confirming every page is not a success, whatever the modem said.
        var failure = result.Failure != FailureKind.None ? result.Failure
            : result.PagesConfirmed > 0 ? FailureKind.PartialPages : FailureKind.ProtocolError;
        var attempt = new AttemptRecord
        {
            Failure = failure,
            FailureText = result.HangupReason,
            PagesConfirmed = confirmed,
            RemoteIdent = result.RemoteIdent,
            At = now,
        };
        return await FailOrRetryAsync(job, attempt, result.StartedAt, result.Duration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Retries the job per policy, or ends it as failed.</summary>
    public async Task<JobState> FailOrRetryAsync(FaxJob job, AttemptRecord attempt, DateTimeOffset startedAt, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(attempt);
        if (_options.ResumeAtFirstUnconfirmedPage && attempt.PagesConfirmed < job.PagesConfirmed)
        {
            // Pages confirmed in earlier calls stay confirmed whatever this one did (busy, interrupted by a
            // crash or a shutdown, no document): the next call resumes after them, the final record counts them.
            attempt = attempt with { PagesConfirmed = job.PagesConfirmed };
        }

        var decision = _retry.Decide(job, attempt.Failure, attempt.At);
        if (decision.Retry)
        {
            if (await jobs.RescheduleAsync(job.Id, attempt, decision.FailuresOfKind, decision.NotBefore, cancellationToken).ConfigureAwait(false))
            {
                LogRetry(logger, job.Id, attempt.Failure, decision.NotBefore);
                signal.Pulse();
            }

            return JobState.Scheduled;
        }

        await CompleteAsync(job, JobState.Failed, attempt, startedAt, duration, cancellationToken).ConfigureAwait(false);
        LogFailed(logger, job.Id, attempt.Failure, attempt.FailureText);
        return JobState.Failed;
    }

    /// <summary>Ends unfinished jobs of an entry whose documents could not be converted.</summary>
    public async Task FailConversionAsync(OutboxEntry entry, FailureKind failure, string detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = (await jobs.ListJobsAsync(entry.Id, cancellationToken).ConfigureAwait(false)).Where(j => j.State == JobState.Converting).ToList();
        var attempt = new AttemptRecord { Failure = failure, FailureText = detail, At = now };
        var completions = new List<JobCompletion>();
        var callbacks = new List<CallbackDelivery>();
        foreach (var job in open)
        {
            var (completion, jobCallbacks) = await BuildCompletionAsync(job, JobState.Failed, attempt, now, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            completions.Add(completion);
            callbacks.AddRange(jobCallbacks);
        }

        await jobs.CompleteAsync(new JobCompletionBatch(completions, callbacks), cancellationToken).ConfigureAwait(false);
        signal.Pulse();
    }

    /// <summary>Fails jobs whose kill time passed; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = await jobs.ListExpiredAsync(now, 100, cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var job in expired)
        {
            var attempt = new AttemptRecord
            {
                Failure = job.LastFailure == FailureKind.None ? FailureKind.Expired : job.LastFailure,
                FailureText = "kill time reached" + (job.LastFailureText.Length > 0 ? "; last: " + job.LastFailureText : ""),
                PagesConfirmed = job.PagesConfirmed,
                RemoteIdent = job.RemoteIdent,
                At = now,
            };
            if (await CompleteAsync(job, JobState.Failed, attempt, now, TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Crash recovery at start: jobs a stopped daemon left on a line did not get a confirmed result, so
    /// they are treated as an interrupted call (retried, never reported sent); conversions restart. The pages
    /// confirmed by calls before the crash stay confirmed; those of the interrupted call were never recorded,
    /// so they are sent again (we cannot know which the far end has).
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var count = await jobs.ResetConvertingAsync(now, cancellationToken).ConfigureAwait(false);
        foreach (var job in await jobs.ListInFlightAsync(cancellationToken).ConfigureAwait(false))
        {
            if (job.State != JobState.Sending)
            {
                continue;
            }

            var attempt = new AttemptRecord { Failure = FailureKind.Interrupted, FailureText = "daemon stopped during the call", At = now };
            await FailOrRetryAsync(job, attempt, now, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            count++;
        }

        if (count > 0)
        {
            signal.Pulse();
        }

        return count;
    }

    public static bool IsFinal(JobState state) => state is JobState.Sent or JobState.Failed or JobState.Cancelled;

    private async Task<bool> CompleteAsync(FaxJob job, JobState finalState, AttemptRecord attempt, DateTimeOffset startedAt, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (completion, callbacks) = await BuildCompletionAsync(job, finalState, attempt, startedAt, duration, cancellationToken).ConfigureAwait(false);
        var done = await jobs.CompleteAsync(new JobCompletionBatch([completion], callbacks), cancellationToken).ConfigureAwait(false);

        // Wakes the callback sender (and idle lines: a destination may have become free).
        signal.Pulse();
        return done;
    }

    private async Task<(JobCompletion Completion, IReadOnlyList<CallbackDelivery> Callbacks)> BuildCompletionAsync(
        FaxJob job, JobState finalState, AttemptRecord attempt, DateTimeOffset startedAt, TimeSpan duration, CancellationToken cancellationToken)
    {
        var entry = await jobs.GetOutboxAsync(job.AccountId, job.OutboxId, cancellationToken).ConfigureAwait(false);
        var record = new FaxRecord
        {
            Id = FaxIds.NewShort(),
            AccountId = job.AccountId,
            Direction = FaxDirection.Outgoing,
            Status = FaxStatuses.ForOutgoing(finalState, attempt.Failure, attempt.PagesConfirmed),
            Description = FaxStatuses.Describe(finalState, attempt.Failure, attempt.FailureText),
            Failure = finalState == JobState.Sent ? FailureKind.None : attempt.Failure,
            From = job.From,
            To = job.Destination,
            Pages = finalState == JobState.Sent ? job.PageCount : attempt.PagesConfirmed,
            Comment = entry?.CommentText ?? "",
            IsRead = true,
            FileId = job.DocumentFileId,
            FileName = "fax-to-" + job.Destination.TrimStart('+'),
            StartTime = startedAt,
            DurationSeconds = (int)Math.Round(duration.TotalSeconds),
            SubmitTime = entry?.SubmitTime,
            ScheduledTime = entry?.SendTime,
            MaxRetry = job.Retry?.Count,
            RetryDelay = job.Retry?.DelaySeconds,
            SessionId = job.SessionId,
            HookId = job.HookId,
            JobId = job.Id,
            OutboxId = job.OutboxId,
            LineId = job.LineId,
            RemoteIdent = attempt.RemoteIdent,
            CoverPageJson = entry?.CoverPageJson,
            LastUpdate = attempt.At,
        };
        var callbacks = await events.CreateCallbacksAsync(new FaxEvent
        {
            Kind = FaxEventKind.Sent,
            Fax = record,
            Job = job,
            LocalNumber = job.From,
            At = attempt.At,
        }, cancellationToken).ConfigureAwait(false);
        return (new JobCompletion(job, finalState, attempt, record), callbacks);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Job {JobId} sent on line {LineId}: all {Pages} pages confirmed")]
    private static partial void LogSent(ILogger logger, string jobId, string lineId, int pages);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Job {JobId} failed ({Failure}), retry at {NotBefore}")]
    private static partial void LogRetry(ILogger logger, string jobId, FailureKind failure, DateTimeOffset notBefore);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Job {JobId} failed for good ({Failure}): {Detail}")]
    private static partial void LogFailed(ILogger logger, string jobId, FailureKind failure, string detail);
}
