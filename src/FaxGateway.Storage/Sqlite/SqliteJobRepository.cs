using System.Data.Common;
using Dapper;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Data.Sqlite;

namespace FaxGateway.Storage.Sqlite;

#pragma warning disable CA1812 // Row types are instantiated by Dapper.
internal sealed class OutboxRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Origin { get; set; } = "";
    public string FromNumber { get; set; } = "";
    public string ToJson { get; set; } = "[]";
    public string FileIdsJson { get; set; } = "[]";
    public string FilePathsJson { get; set; } = "[]";
    public string Comment { get; set; } = "";
    public string TagsJson { get; set; } = "[]";
    public bool Enhancement { get; set; }
    public long? RetryCount { get; set; }
    public long? RetryDelay { get; set; }
    public bool HasRetry { get; set; }
    public long? SendTime { get; set; }
    public long SubmitTime { get; set; }
    public string? CoverPageJson { get; set; }
    public string? ClientIp { get; set; }
    public string? DocumentFileId { get; set; }
    public long PageCount { get; set; }
    public long OpenJobs { get; set; }

    public string? Resolution { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }

    public OutboxEntry ToModel() => new()
    {
        Id = Id,
        AccountId = AccountId,
        Origin = Codec.Parse<JobOrigin>(Origin),
        From = FromNumber,
        To = Codec.List(ToJson),
        FileIds = Codec.List(FileIdsJson),
        FilePaths = Codec.List(FilePathsJson),
        CommentText = Comment,
        CommentTags = Codec.List(TagsJson),
        Enhancement = Enhancement,
        Retry = HasRetry ? new RetryOverride((int?)RetryCount, (int?)RetryDelay) : null,
        SendTime = Codec.Time(SendTime),
        SubmitTime = Codec.Time(SubmitTime),
        CoverPageJson = CoverPageJson,
        Resolution = Resolution is null ? null : Codec.Parse<FaxGateway.Imaging.FaxResolution>(Resolution),
        IdempotencyKey = IdempotencyKey,
        RequestHash = RequestHash,
        ClientIp = ClientIp,
        DocumentFileId = DocumentFileId,
        PageCount = (int)PageCount,
    };
}

internal sealed class JobRow
{
    public string Id { get; set; } = "";
    public string OutboxId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Origin { get; set; } = "";
    public string Destination { get; set; } = "";
    public string FromNumber { get; set; } = "";
    public string State { get; set; } = "";
    public long Priority { get; set; }
    public long NotBefore { get; set; }
    public long KillAt { get; set; }
    public long Attempts { get; set; }
    public long FailuresOfLastKind { get; set; }
    public string LastFailure { get; set; } = "none";
    public string LastFailureText { get; set; } = "";
    public long? RetryCount { get; set; }
    public long? RetryDelay { get; set; }
    public bool HasRetry { get; set; }
    public string HookId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string? LineId { get; set; }
    public string? DocumentFileId { get; set; }
    public long PageCount { get; set; }
    public long PagesConfirmed { get; set; }
    public string RemoteIdent { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? FinishedAt { get; set; }

    public FaxJob ToModel() => new()
    {
        Id = Id,
        OutboxId = OutboxId,
        AccountId = AccountId,
        Origin = Codec.Parse<JobOrigin>(Origin),
        Destination = Destination,
        From = FromNumber,
        State = Codec.JobStateOf(State),
        Priority = (int)Priority,
        NotBefore = Codec.Time(NotBefore),
        KillAt = Codec.Time(KillAt),
        Attempts = (int)Attempts,
        FailuresOfLastKind = (int)FailuresOfLastKind,
        LastFailure = Codec.Parse<FailureKind>(LastFailure),
        LastFailureText = LastFailureText,
        Retry = HasRetry ? new RetryOverride((int?)RetryCount, (int?)RetryDelay) : null,
        HookId = HookId,
        SessionId = SessionId,
        LineId = LineId,
        DocumentFileId = DocumentFileId,
        PageCount = (int)PageCount,
        PagesConfirmed = (int)PagesConfirmed,
        RemoteIdent = RemoteIdent,
        CreatedAt = Codec.Time(CreatedAt),
        UpdatedAt = Codec.Time(UpdatedAt),
        FinishedAt = Codec.Time(FinishedAt),
    };
}

internal sealed class StateChangeRow
{
    public string JobId { get; set; } = "";
    public string State { get; set; } = "";
    public long At { get; set; }
}
#pragma warning restore CA1812

/// <summary>The queue on SQLite. Every public method is one transaction (or one read).</summary>
internal sealed class SqliteJobRepository(SqliteDatabase db, SqliteFaxWriter faxWriter) : IJobRepository
{
    public async Task SubmitAsync(OutboxEntry entry, IReadOnlyList<FaxJob> jobs, CancellationToken cancellationToken)
    {
        try
        {
            await InsertAsync(entry, jobs, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 && entry.IdempotencyKey is { } key && e.Message.Contains("idempotency_key", StringComparison.Ordinal))
        {
            throw new DuplicateIdempotencyKeyException(key, e);
        }
    }

    public Task<OutboxEntry?> FindByIdempotencyKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<OutboxRow>(
            "SELECT * FROM outbox WHERE account_id = @accountId AND idempotency_key = @idempotencyKey", new { accountId, idempotencyKey }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    private Task InsertAsync(OutboxEntry entry, IReadOnlyList<FaxJob> jobs, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("""
                INSERT INTO outbox (id, account_id, origin, from_number, to_json, file_ids_json, file_paths_json, comment, tags_json,
                  enhancement, retry_count, retry_delay, has_retry, send_time, submit_time, cover_page_json, client_ip, document_file_id, page_count, open_jobs,
                  idempotency_key, request_hash, resolution)
                VALUES (@Id, @AccountId, @Origin, @From, @To, @FileIds, @FilePaths, @Comment, @Tags,
                  @Enhancement, @RetryCount, @RetryDelay, @HasRetry, @SendTime, @SubmitTime, @CoverPageJson, @ClientIp, @DocumentFileId, @PageCount, @OpenJobs,
                  @IdempotencyKey, @RequestHash, @Resolution)
                """, new
            {
                entry.Id, entry.AccountId, Origin = Codec.Name(entry.Origin), entry.From, To = Codec.Json(entry.To),
                FileIds = Codec.Json(entry.FileIds), FilePaths = Codec.Json(entry.FilePaths), Comment = entry.CommentText,
                Tags = Codec.Json(entry.CommentTags), entry.Enhancement, RetryCount = entry.Retry?.Count, RetryDelay = entry.Retry?.DelaySeconds,
                HasRetry = entry.Retry is not null, SendTime = Codec.Ms(entry.SendTime), SubmitTime = Codec.Ms(entry.SubmitTime),
                entry.CoverPageJson, entry.ClientIp, entry.DocumentFileId, entry.PageCount, OpenJobs = jobs.Count,
                entry.IdempotencyKey, entry.RequestHash, Resolution = entry.Resolution is { } resolution ? Codec.Name(resolution) : null,
            }, t).ConfigureAwait(false);
            await c.ExecuteAsync("""
                INSERT INTO jobs (id, outbox_id, account_id, origin, destination, from_number, state, priority, not_before, kill_at,
                  retry_count, retry_delay, has_retry, hook_id, session_id, document_file_id, page_count, created_at, updated_at)
                VALUES (@Id, @OutboxId, @AccountId, @Origin, @Destination, @From, @State, @Priority, @NotBefore, @KillAt,
                  @RetryCount, @RetryDelay, @HasRetry, @HookId, @SessionId, @DocumentFileId, @PageCount, @CreatedAt, @UpdatedAt)
                """, jobs.Select(j => new
            {
                j.Id, j.OutboxId, j.AccountId, Origin = Codec.Name(j.Origin), j.Destination, j.From, State = Codec.Name(j.State),
                j.Priority, NotBefore = Codec.Ms(j.NotBefore), KillAt = Codec.Ms(j.KillAt), RetryCount = j.Retry?.Count,
                RetryDelay = j.Retry?.DelaySeconds, HasRetry = j.Retry is not null, j.HookId, j.SessionId, j.DocumentFileId, j.PageCount,
                CreatedAt = Codec.Ms(j.CreatedAt), UpdatedAt = Codec.Ms(j.UpdatedAt),
            }), t).ConfigureAwait(false);
            await c.ExecuteAsync(
                "INSERT INTO job_state_changes (job_id, outbox_id, state, at) VALUES (@Id, @OutboxId, @State, @At)",
                jobs.Select(j => new { j.Id, j.OutboxId, State = Codec.Name(j.State), At = Codec.Ms(j.CreatedAt) }), t).ConfigureAwait(false);
        }, cancellationToken);

    public Task<OutboxEntry?> GetOutboxAsync(string accountId, string outboxId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<OutboxRow>(
            "SELECT * FROM outbox WHERE id = @outboxId AND account_id = @accountId", new { outboxId, accountId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<IReadOnlyList<OutboxEntry>> ListOutboxAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<OutboxEntry>>(async c => [.. (await c.QueryAsync<OutboxRow>(
            "SELECT * FROM outbox WHERE account_id = @accountId AND open_jobs > 0 ORDER BY submit_time DESC, id", new { accountId }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<IReadOnlyList<FaxJob>> ListJobsAsync(string outboxId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FaxJob>>(async c => [.. (await c.QueryAsync<JobRow>(
            "SELECT * FROM jobs WHERE outbox_id = @outboxId ORDER BY rowid", new { outboxId }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<FaxJob?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<JobRow>("SELECT * FROM jobs WHERE id = @jobId", new { jobId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<IReadOnlyList<JobStateChange>> ListStateChangesAsync(string outboxId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<JobStateChange>>(async c => [.. (await c.QueryAsync<StateChangeRow>(
            "SELECT job_id, state, at FROM job_state_changes WHERE outbox_id = @outboxId ORDER BY at, rowid", new { outboxId }).ConfigureAwait(false))
            .Select(r => new JobStateChange(r.JobId, Codec.JobStateOf(r.State), Codec.Time(r.At)))], cancellationToken);

    public Task<bool> UpdateCommentAsync(string accountId, string outboxId, string comment, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "UPDATE outbox SET comment = @comment WHERE id = @outboxId AND account_id = @accountId AND open_jobs > 0",
            new { comment, outboxId, accountId }, t).ConfigureAwait(false) > 0, cancellationToken);

    public Task<OutboxEntry?> ClaimForConversionAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var row = await c.QueryFirstOrDefaultAsync<OutboxRow>("""
                SELECT o.* FROM outbox o
                WHERE o.document_file_id IS NULL AND o.open_jobs > 0
                  AND EXISTS (SELECT 1 FROM jobs j WHERE j.outbox_id = o.id AND j.state = 'submitted')
                ORDER BY o.submit_time, o.rowid LIMIT 1
                """, transaction: t).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            await TransitionAsync(c, t, "outbox_id = @OutboxId AND state = 'submitted'", JobState.Converting, new { OutboxId = row.Id }, now).ConfigureAwait(false);
            return row.ToModel();
        }, cancellationToken);

    public Task MarkConvertedAsync(string outboxId, StoredFile document, int pageCount, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            ArgumentNullException.ThrowIfNull(document);
            var documentFileId = document.Id;
            await c.ExecuteAsync(FileRow.Insert, FileRow.Of(document), t).ConfigureAwait(false);
            await c.ExecuteAsync("UPDATE outbox SET document_file_id = @documentFileId, page_count = @pageCount WHERE id = @outboxId",
                new { outboxId, documentFileId, pageCount }, t).ConfigureAwait(false);
            await c.ExecuteAsync("UPDATE jobs SET document_file_id = @documentFileId, page_count = @pageCount WHERE outbox_id = @outboxId AND state = 'converting'",
                new { outboxId, documentFileId, pageCount }, t).ConfigureAwait(false);
            await TransitionAsync(c, t, "outbox_id = @outboxId AND state = 'converting'", JobState.Scheduled, new { outboxId }, now).ConfigureAwait(false);
        }, cancellationToken);

    public Task<FaxJob?> ClaimNextAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return db.WriteAsync(async (c, t) =>
        {
            // The first attempt keeps session id = hook id (FAX.PLUS: hook.id == data.id on the first try).
            var row = await c.QuerySingleOrDefaultAsync<JobRow>(SqliteDialect.ClaimNextJob, new
            {
                lineId = claim.LineId, newSessionId = claim.NewSessionId, now = Codec.Ms(claim.Now), maxPerDestination = claim.MaxPerDestination,
                exclude = claim.ExcludeDestination ?? "",
            }, t).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            await c.ExecuteAsync("INSERT INTO job_state_changes (job_id, outbox_id, state, at) VALUES (@Id, @OutboxId, 'sending', @at)",
                new { row.Id, row.OutboxId, at = Codec.Ms(claim.Now) }, t).ConfigureAwait(false);
            return row.ToModel();
        }, cancellationToken);
    }

    public Task<bool> RescheduleAsync(string jobId, AttemptRecord attempt, int failuresOfKind, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecuteAsync("""
                UPDATE jobs SET state = 'scheduled', not_before = @notBefore, last_failure = @failure, last_failure_text = @text,
                  failures_of_last_kind = @failuresOfKind, pages_confirmed = @pages, remote_ident = @ident, line_id = NULL, updated_at = @at
                WHERE id = @jobId AND state = 'sending'
                """, new
            {
                jobId, notBefore = Codec.Ms(notBefore), failure = Codec.Name(attempt.Failure), text = attempt.FailureText, failuresOfKind,
                pages = attempt.PagesConfirmed, ident = attempt.RemoteIdent, at = Codec.Ms(attempt.At),
            }, t).ConfigureAwait(false);
            if (changed == 0)
            {
                return false;
            }

            await c.ExecuteAsync("INSERT INTO job_state_changes (job_id, outbox_id, state, at) SELECT id, outbox_id, 'scheduled', @at FROM jobs WHERE id = @jobId",
                new { jobId, at = Codec.Ms(attempt.At) }, t).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async Task<bool> CompleteAsync(JobCompletionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            return await db.WriteAsync(async (c, t) =>
            {
                foreach (var completion in batch.Completions)
                {
                    var job = completion.Job;
                    var at = Codec.Ms(completion.Attempt.At);
                    var changed = await c.ExecuteAsync("""
                        UPDATE jobs SET state = @state, last_failure = @failure, last_failure_text = @text, pages_confirmed = @pages,
                          remote_ident = @ident, updated_at = @at, finished_at = @at
                        WHERE id = @Id AND state = @expected
                        """, new
                    {
                        job.Id, state = Codec.Name(completion.FinalState), expected = Codec.Name(job.State),
                        failure = Codec.Name(completion.Attempt.Failure), text = completion.Attempt.FailureText,
                        pages = completion.Attempt.PagesConfirmed, ident = completion.Attempt.RemoteIdent, at,
                    }, t).ConfigureAwait(false);
                    if (changed == 0)
                    {
                        // Someone else moved the job: roll the whole batch back.
                        throw new StaleJobException();
                    }

                    await c.ExecuteAsync("UPDATE outbox SET open_jobs = open_jobs - 1 WHERE id = @OutboxId", new { job.OutboxId }, t).ConfigureAwait(false);
                    await c.ExecuteAsync("INSERT INTO job_state_changes (job_id, outbox_id, state, at) VALUES (@Id, @OutboxId, @state, @at)",
                        new { job.Id, job.OutboxId, state = Codec.Name(completion.FinalState), at }, t).ConfigureAwait(false);
                    if (completion.Record is { } record)
                    {
                        await faxWriter.InsertAsync(c, t, record).ConfigureAwait(false);
                    }
                }

                await SqliteCallbackQueue.InsertAsync(c, t, batch.Callbacks).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StaleJobException)
        {
            return false;
        }
    }

    public Task<IReadOnlyList<FaxJob>> ListInFlightAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FaxJob>>(async c => [.. (await c.QueryAsync<JobRow>(
            "SELECT * FROM jobs WHERE state IN ('converting', 'sending') ORDER BY rowid").ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<int> ResetConvertingAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => TransitionAsync(c, t, "state = 'converting'", JobState.Submitted, null, now), cancellationToken);

    public Task<IReadOnlyList<FaxJob>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FaxJob>>(async c => [.. (await c.QueryAsync<JobRow>(
            "SELECT * FROM jobs WHERE state IN ('submitted', 'converting', 'scheduled') AND kill_at <= @now ORDER BY kill_at LIMIT @limit",
            new { now = Codec.Ms(now), limit }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async c => Codec.Time(await c.ExecuteScalarAsync<long?>(
            "SELECT MIN(not_before) FROM jobs WHERE state = 'scheduled'").ConfigureAwait(false)), cancellationToken);

    public Task<IReadOnlyDictionary<JobState, long>> CountByStateAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyDictionary<JobState, long>>(async c =>
        {
            var rows = await c.QueryAsync<(string State, long Count)>("SELECT state, COUNT(*) FROM jobs GROUP BY state").ConfigureAwait(false);
            return rows.ToDictionary(r => Codec.JobStateOf(r.State), r => r.Count);
        }, cancellationToken);

    /// <summary>Moves the jobs matching <paramref name="where"/> to <paramref name="state"/> and logs each change.</summary>
    private static async Task<int> TransitionAsync(SqliteConnection c, DbTransaction t, string where, JobState state, object? parameters, DateTimeOffset now)
    {
        var args = new DynamicParameters(parameters);
        args.Add("newState", Codec.Name(state));
        args.Add("at", Codec.Ms(now));
        var ids = (await c.QueryAsync<(string Id, string OutboxId)>($"SELECT id, outbox_id FROM jobs WHERE {where}", args, t).ConfigureAwait(false)).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        await c.ExecuteAsync($"UPDATE jobs SET state = @newState, updated_at = @at WHERE {where}", args, t).ConfigureAwait(false);
        await c.ExecuteAsync("INSERT INTO job_state_changes (job_id, outbox_id, state, at) VALUES (@Id, @OutboxId, @state, @at)",
            ids.Select(i => new { i.Id, i.OutboxId, state = Codec.Name(state), at = Codec.Ms(now) }), t).ConfigureAwait(false);
        return ids.Count;
    }

    private sealed class StaleJobException : Exception;
}

/// <summary>The SQL that differs between engines. A PostgreSQL engine claims with FOR UPDATE SKIP LOCKED instead.</summary>
internal static class SqliteDialect
{
    /// <remarks>
    /// The candidate is found level by level: the distinct priorities come from index seeks (MAX below the
    /// previous one), and within a level the first due job is a range seek on (priority, not_before). So a
    /// tick costs a few index lookups whatever the number of waiting jobs; only due jobs whose destination is
    /// already at its limit are stepped over.
    /// </remarks>
    public const string ClaimNextJob = """
        UPDATE jobs SET state = 'sending', line_id = @lineId, attempts = attempts + 1, updated_at = @now,
          session_id = CASE WHEN attempts = 0 THEN session_id ELSE @newSessionId END
        WHERE id = (
          WITH RECURSIVE levels(p) AS (
            SELECT MAX(priority) FROM jobs WHERE state = 'scheduled'
            UNION ALL
            SELECT (SELECT MAX(priority) FROM jobs WHERE state = 'scheduled' AND priority < levels.p) FROM levels WHERE levels.p IS NOT NULL
          )
          SELECT candidate FROM (
            SELECT (SELECT j.id FROM jobs j
                    WHERE j.state = 'scheduled' AND j.priority = levels.p AND j.not_before <= @now AND j.destination <> @exclude
                      AND (SELECT COUNT(*) FROM jobs s WHERE s.state = 'sending' AND s.destination = j.destination) < @maxPerDestination
                      -- The sender number picks its line (it is the line's TSI); any line may send a job whose
                      -- number no other healthy sending line owns. (@exclude is this line's own number.)
                      AND (j.from_number = @exclude
                           OR NOT EXISTS (SELECT 1 FROM lines o WHERE o.id <> @lineId AND o.number = j.from_number
                                          AND o.number <> j.destination AND o.can_send = 1 AND o.health = 'in_service'))
                    ORDER BY j.not_before, j.rowid
                    LIMIT 1) AS candidate
            FROM levels WHERE levels.p IS NOT NULL)
          WHERE candidate IS NOT NULL
          LIMIT 1)
        RETURNING *
        """;
}
