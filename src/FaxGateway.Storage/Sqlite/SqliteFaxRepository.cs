using System.Data.Common;
using Dapper;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Data.Sqlite;

namespace FaxGateway.Storage.Sqlite;

#pragma warning disable CA1812 // Row types are instantiated by Dapper.
internal sealed class FaxRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Direction { get; set; } = "";
    public string Status { get; set; } = "";
    public string Description { get; set; } = "";
    public string Failure { get; set; } = "none";
    public string FromNumber { get; set; } = "";
    public string ToNumber { get; set; } = "";
    public long Pages { get; set; }
    public string Comment { get; set; } = "";
    public bool IsRead { get; set; }
    public bool IsSpam { get; set; }
    public string? FileId { get; set; }
    public string FileName { get; set; } = "";
    public long StartTime { get; set; }
    public long Duration { get; set; }
    public long? SubmitTime { get; set; }
    public long? ScheduledTime { get; set; }
    public long? MaxRetry { get; set; }
    public long? RetryDelay { get; set; }
    public string SessionId { get; set; } = "";
    public string HookId { get; set; } = "";
    public string? JobId { get; set; }
    public string? OutboxId { get; set; }
    public string? LineId { get; set; }
    public string RemoteIdent { get; set; } = "";
    public string? CoverPageJson { get; set; }
    public long LastUpdate { get; set; }

    public FaxRecord ToModel() => new()
    {
        Id = Id,
        AccountId = AccountId,
        Direction = Codec.Parse<FaxDirection>(Direction),
        Status = Status,
        Description = Description,
        Failure = Codec.Parse<FailureKind>(Failure),
        From = FromNumber,
        To = ToNumber,
        Pages = (int)Pages,
        Comment = Comment,
        IsRead = IsRead,
        IsSpam = IsSpam,
        FileId = FileId,
        FileName = FileName,
        StartTime = Codec.Time(StartTime),
        DurationSeconds = (int)Duration,
        SubmitTime = Codec.Time(SubmitTime),
        ScheduledTime = Codec.Time(ScheduledTime),
        MaxRetry = (int?)MaxRetry,
        RetryDelay = (int?)RetryDelay,
        SessionId = SessionId,
        HookId = HookId,
        JobId = JobId,
        OutboxId = OutboxId,
        LineId = LineId,
        RemoteIdent = RemoteIdent,
        CoverPageJson = CoverPageJson,
        LastUpdate = Codec.Time(LastUpdate),
    };
}
#pragma warning restore CA1812

/// <summary>Inserts fax records inside another repository's transaction (job completion, receive).</summary>
internal sealed class SqliteFaxWriter
{
    public Task InsertAsync(SqliteConnection c, DbTransaction t, FaxRecord r) => c.ExecuteAsync("""
        INSERT INTO faxes (id, account_id, direction, status, description, failure, from_number, to_number, pages, comment, is_read, is_spam,
          file_id, file_name, start_time, duration, submit_time, scheduled_time, max_retry, retry_delay, session_id, hook_id, job_id, outbox_id,
          line_id, remote_ident, cover_page_json, last_update)
        VALUES (@Id, @AccountId, @Direction, @Status, @Description, @Failure, @From, @To, @Pages, @Comment, @IsRead, @IsSpam,
          @FileId, @FileName, @StartTime, @Duration, @SubmitTime, @ScheduledTime, @MaxRetry, @RetryDelay, @SessionId, @HookId, @JobId, @OutboxId,
          @LineId, @RemoteIdent, @CoverPageJson, @LastUpdate)
        """, new
    {
        r.Id, r.AccountId, Direction = Codec.Name(r.Direction), r.Status, r.Description, Failure = Codec.Name(r.Failure), r.From, r.To,
        r.Pages, r.Comment, r.IsRead, r.IsSpam, r.FileId, r.FileName, StartTime = Codec.Ms(r.StartTime), Duration = r.DurationSeconds,
        SubmitTime = Codec.Ms(r.SubmitTime), ScheduledTime = Codec.Ms(r.ScheduledTime), r.MaxRetry, r.RetryDelay, r.SessionId, r.HookId,
        r.JobId, r.OutboxId, r.LineId, r.RemoteIdent, r.CoverPageJson, LastUpdate = Codec.Ms(r.LastUpdate),
    }, t);
}

internal sealed class SqliteFaxRepository(SqliteDatabase db, SqliteFaxWriter writer) : IFaxRepository
{
    public Task<IReadOnlyList<FaxRecord>> ListAsync(FaxQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new System.Text.StringBuilder("SELECT * FROM faxes WHERE account_id = @AccountId");
        sql.Append(query.Category switch
        {
            FaxCategory.Inbox => " AND direction = 'incoming' AND is_spam = 0",
            FaxCategory.Sent => " AND direction = 'outgoing'",
            FaxCategory.Spam => " AND is_spam = 1",
            _ => "",
        });
        if (query.After is not null)
        {
            sql.Append(" AND start_time >= @After");
        }

        if (query.Before is not null)
        {
            sql.Append(" AND start_time < @Before");
        }

        sql.Append(" ORDER BY start_time DESC, id LIMIT @Limit");
        return db.ReadAsync<IReadOnlyList<FaxRecord>>(async c => [.. (await c.QueryAsync<FaxRow>(sql.ToString(), new
        {
            query.AccountId, After = Codec.Ms(query.After), Before = Codec.Ms(query.Before), query.Limit,
        }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);
    }

    public Task<FaxRecord?> GetAsync(string accountId, string idOrSessionId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<FaxRow>("""
            SELECT * FROM faxes WHERE account_id = @accountId AND (id = @idOrSessionId OR session_id = @idOrSessionId OR hook_id = @idOrSessionId)
            ORDER BY CASE WHEN id = @idOrSessionId THEN 0 ELSE 1 END LIMIT 1
            """, new { accountId, idOrSessionId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<bool> UpdateAsync(string accountId, string faxId, string comment, bool isRead, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "UPDATE faxes SET comment = @comment, is_read = @isRead, last_update = @now WHERE id = @faxId AND account_id = @accountId",
            new { comment, isRead, now = Codec.Ms(now), faxId, accountId }, t).ConfigureAwait(false) > 0, cancellationToken);

    public Task<(bool Deleted, StoredFile? File)> DeleteAsync(string accountId, string faxId, CancellationToken cancellationToken) =>
        db.WriteAsync<(bool, StoredFile?)>(async (c, t) =>
        {
            var fileId = await c.QuerySingleOrDefaultAsync<string?>(
                "SELECT file_id FROM faxes WHERE id = @faxId AND account_id = @accountId", new { faxId, accountId }, t).ConfigureAwait(false);
            var deleted = await c.ExecuteAsync("DELETE FROM faxes WHERE id = @faxId AND account_id = @accountId", new { faxId, accountId }, t).ConfigureAwait(false) > 0;
            if (!deleted || fileId is null)
            {
                return (deleted, null);
            }

            // A sent document is shared by every recipient of its outbox entry: the file goes with its last reference.
            var stillUsed = await c.ExecuteScalarAsync<long>("""
                SELECT (SELECT COUNT(*) FROM faxes WHERE file_id = @fileId)
                     + (SELECT COUNT(*) FROM jobs WHERE document_file_id = @fileId AND state IN ('submitted', 'converting', 'scheduled', 'sending'))
                """, new { fileId }, t).ConfigureAwait(false);
            if (stillUsed > 0)
            {
                return (true, null);
            }

            var file = await c.QuerySingleOrDefaultAsync<FileRow>("SELECT * FROM files WHERE id = @fileId", new { fileId }, t).ConfigureAwait(false);
            await c.ExecuteAsync("DELETE FROM files WHERE id = @fileId", new { fileId }, t).ConfigureAwait(false);
            return (true, file?.ToModel());
        }, cancellationToken);

    public Task AddReceivedAsync(FaxRecord record, StoredFile? file, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            if (file is not null)
            {
                await c.ExecuteAsync(FileRow.Insert, FileRow.Of(file), t).ConfigureAwait(false);
            }

            await writer.InsertAsync(c, t, record).ConfigureAwait(false);
            await SqliteCallbackQueue.InsertAsync(c, t, callbacks).ConfigureAwait(false);
        }, cancellationToken);
}
