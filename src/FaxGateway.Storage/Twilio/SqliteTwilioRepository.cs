using Dapper;
using FaxGateway.Core.Model;
using FaxGateway.Core.Twilio;
using FaxGateway.Storage.Sqlite;

namespace FaxGateway.Storage.Twilio;

#pragma warning disable CA1812 // Instantiated by Dapper.
internal sealed class TwilioFaxRow
{
    public string Sid { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Direction { get; set; } = "";
    public string Status { get; set; } = "";
    public string FromNumber { get; set; } = "";
    public string ToNumber { get; set; } = "";
    public string? Quality { get; set; }
    public string? OriginalMediaUrl { get; set; }
    public string? StatusCallback { get; set; }
    public bool StoreMedia { get; set; }
    public long? TtlMinutes { get; set; }
    public string? JobId { get; set; }
    public string? OutboxId { get; set; }
    public string? FaxRecordId { get; set; }
    public string? MediaSid { get; set; }
    public string? MediaFileId { get; set; }
    public string? MediaContentType { get; set; }
    public long? NumPages { get; set; }
    public long? DurationSeconds { get; set; }
    public string? RemoteStationId { get; set; }
    public long? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ActionUrl { get; set; }
    public string? ActionMethod { get; set; }
    public long ReportedChanges { get; set; }
    public long DateCreated { get; set; }
    public long DateUpdated { get; set; }

    public TwilioFax ToModel() => new()
    {
        Sid = Sid,
        AccountId = AccountId,
        Direction = Direction == "inbound" ? TwilioFaxDirection.Inbound : TwilioFaxDirection.Outbound,
        Status = Status,
        From = FromNumber,
        To = ToNumber,
        Quality = Quality,
        OriginalMediaUrl = OriginalMediaUrl,
        StatusCallback = StatusCallback,
        StoreMedia = StoreMedia,
        TtlMinutes = (int?)TtlMinutes,
        JobId = JobId,
        OutboxId = OutboxId,
        FaxRecordId = FaxRecordId,
        MediaSid = MediaSid,
        MediaFileId = MediaFileId,
        MediaContentType = MediaContentType,
        NumPages = (int?)NumPages,
        DurationSeconds = (int?)DurationSeconds,
        RemoteStationId = RemoteStationId,
        ErrorCode = (int?)ErrorCode,
        ErrorMessage = ErrorMessage,
        ActionUrl = ActionUrl,
        ActionMethod = ActionMethod == "GET" ? TwimlMethod.Get : TwimlMethod.Post,
        ReportedChanges = (int)ReportedChanges,
        DateCreated = Codec.Time(DateCreated),
        DateUpdated = Codec.Time(DateUpdated),
    };

    public static object Parameters(TwilioFax f) => new
    {
        f.Sid,
        f.AccountId,
        Direction = f.Direction == TwilioFaxDirection.Inbound ? "inbound" : "outbound",
        f.Status,
        FromNumber = f.From,
        ToNumber = f.To,
        f.Quality,
        f.OriginalMediaUrl,
        f.StatusCallback,
        f.StoreMedia,
        f.TtlMinutes,
        f.JobId,
        f.OutboxId,
        f.FaxRecordId,
        f.MediaSid,
        f.MediaFileId,
        f.MediaContentType,
        f.NumPages,
        f.DurationSeconds,
        f.RemoteStationId,
        f.ErrorCode,
        f.ErrorMessage,
        f.ActionUrl,
        ActionMethod = f.ActionUrl is null ? null : TwilioNumberRow.Name(f.ActionMethod),
        f.ReportedChanges,
        DateCreated = Codec.Ms(f.DateCreated),
        DateUpdated = Codec.Ms(f.DateUpdated),
    };
}

internal sealed class TwilioAccountRow
{
    public string AccountId { get; set; } = "";
    public string AccountSid { get; set; } = "";
    public string AuthToken { get; set; } = "";
    public long CreatedAt { get; set; }

    public TwilioAccount ToModel() => new() { AccountId = AccountId, AccountSid = AccountSid, AuthToken = AuthToken, CreatedAt = Codec.Time(CreatedAt) };
}

internal sealed class TwilioNumberRow
{
    public string Number { get; set; } = "";
    public string FaxUrl { get; set; } = "";
    public string FaxMethod { get; set; } = "POST";
    public string? FallbackUrl { get; set; }
    public string FallbackMethod { get; set; } = "POST";
    public long UpdatedAt { get; set; }

    public TwilioNumberConfig ToModel() => new()
    {
        Number = Number,
        Routing = new TwilioNumberRouting(FaxUrl, Method(FaxMethod), FallbackUrl, Method(FallbackMethod)),
        UpdatedAt = Codec.Time(UpdatedAt),
    };

    public static string Name(TwimlMethod method) => method == TwimlMethod.Get ? "GET" : "POST";

    private static TwimlMethod Method(string name) => name == "GET" ? TwimlMethod.Get : TwimlMethod.Post;
}
#pragma warning restore CA1812

/// <summary>SQLite implementation of <see cref="ITwilioRepository"/> (tables of migrations 0100_twilio and 0101_twilio_inbound_actions).</summary>
internal sealed class SqliteTwilioRepository(SqliteDatabase db) : ITwilioRepository
{
    private const string InsertFax = """
        INSERT INTO twilio_faxes (sid, account_id, direction, status, from_number, to_number, quality, original_media_url, status_callback,
          store_media, ttl_minutes, job_id, outbox_id, fax_record_id, media_sid, media_file_id, media_content_type, num_pages, duration_seconds,
          remote_station_id, error_code, error_message, action_url, action_method, reported_changes, date_created, date_updated)
        VALUES (@Sid, @AccountId, @Direction, @Status, @FromNumber, @ToNumber, @Quality, @OriginalMediaUrl, @StatusCallback,
          @StoreMedia, @TtlMinutes, @JobId, @OutboxId, @FaxRecordId, @MediaSid, @MediaFileId, @MediaContentType, @NumPages, @DurationSeconds,
          @RemoteStationId, @ErrorCode, @ErrorMessage, @ActionUrl, @ActionMethod, @ReportedChanges, @DateCreated, @DateUpdated)
        """;

    public Task<TwilioAccount?> GetAccountAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<TwilioAccountRow>(
            "SELECT * FROM twilio_accounts WHERE account_id = @accountId", new { accountId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<TwilioAccount?> GetAccountBySidAsync(string accountSid, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<TwilioAccountRow>(
            "SELECT * FROM twilio_accounts WHERE account_sid = @accountSid", new { accountSid }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<TwilioAccount> EnsureAccountAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var existing = await c.QuerySingleOrDefaultAsync<TwilioAccountRow>(
                "SELECT * FROM twilio_accounts WHERE account_id = @accountId", new { accountId }, t).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing.ToModel();
            }

            var created = new TwilioAccount { AccountId = accountId, AccountSid = TwilioFax.NewAccountSid(), AuthToken = TwilioFax.NewHex32(), CreatedAt = now };
            await c.ExecuteAsync(
                "INSERT INTO twilio_accounts (account_id, account_sid, auth_token, created_at) VALUES (@AccountId, @AccountSid, @AuthToken, @CreatedAt)",
                new { created.AccountId, created.AccountSid, created.AuthToken, CreatedAt = Codec.Ms(now) },
                t).ConfigureAwait(false);
            return created;
        }, cancellationToken);

    public Task<TwilioNumberConfig?> GetNumberAsync(string number, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<TwilioNumberRow>(
            "SELECT * FROM twilio_numbers WHERE number = @number", new { number }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task UpsertNumberAsync(TwilioNumberConfig config, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO twilio_numbers (number, fax_url, fax_method, fallback_url, fallback_method, updated_at)
            VALUES (@Number, @FaxUrl, @FaxMethod, @FallbackUrl, @FallbackMethod, @UpdatedAt)
            ON CONFLICT(number) DO UPDATE SET fax_url = excluded.fax_url, fax_method = excluded.fax_method,
              fallback_url = excluded.fallback_url, fallback_method = excluded.fallback_method, updated_at = excluded.updated_at
            """, new
        {
            config.Number,
            config.Routing.FaxUrl,
            FaxMethod = TwilioNumberRow.Name(config.Routing.FaxMethod),
            config.Routing.FallbackUrl,
            FallbackMethod = TwilioNumberRow.Name(config.Routing.FallbackMethod),
            UpdatedAt = Codec.Ms(config.UpdatedAt),
        }, t), cancellationToken);

    public Task<bool> DeleteNumberAsync(string number, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync("DELETE FROM twilio_numbers WHERE number = @number", new { number }, t).ConfigureAwait(false) > 0, cancellationToken);

    public Task AddFaxAsync(TwilioFax fax, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync(InsertFax, TwilioFaxRow.Parameters(fax), t).ConfigureAwait(false);
            await SqliteCallbackQueue.InsertAsync(c, t, callbacks).ConfigureAwait(false);
        }, cancellationToken);

    public Task<TwilioFax?> GetFaxAsync(string accountId, string sid, CancellationToken cancellationToken) =>
        QueryOneAsync("SELECT * FROM twilio_faxes WHERE sid = @sid AND account_id = @accountId", new { sid, accountId }, cancellationToken);

    public Task<TwilioFax?> GetFaxBySidAsync(string sid, CancellationToken cancellationToken) =>
        QueryOneAsync("SELECT * FROM twilio_faxes WHERE sid = @sid", new { sid }, cancellationToken);

    public Task<TwilioFax?> GetFaxByJobAsync(string jobId, CancellationToken cancellationToken) =>
        QueryOneAsync("SELECT * FROM twilio_faxes WHERE job_id = @jobId", new { jobId }, cancellationToken);

    public Task<IReadOnlyList<TwilioFax>> ListFaxesAsync(TwilioFaxQuery query, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<TwilioFax>>(async c => [.. (await c.QueryAsync<TwilioFaxRow>("""
            SELECT * FROM twilio_faxes
            WHERE account_id = @AccountId
              AND (@From IS NULL OR from_number = @From)
              AND (@To IS NULL OR to_number = @To)
              AND (@OnOrBefore IS NULL OR date_created <= @OnOrBefore)
              AND (@After IS NULL OR date_created > @After)
              AND (@BeforeDate IS NULL OR date_created < @BeforeDate OR (date_created = @BeforeDate AND sid < @BeforeSid))
            ORDER BY date_created DESC, sid DESC
            LIMIT @Limit OFFSET @Offset
            """, new
        {
            query.Offset,
            query.AccountId,
            query.From,
            query.To,
            OnOrBefore = Codec.Ms(query.CreatedOnOrBefore),
            After = Codec.Ms(query.CreatedAfter),
            BeforeDate = query.Before is { } b ? Codec.Ms(b.Date) : (long?)null,
            BeforeSid = query.Before?.Sid,
            query.Limit,
        }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<bool> UpdateFaxAsync(TwilioFax fax, string expectedStatus, IReadOnlyList<CallbackDelivery> callbacks, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecuteAsync("""
                UPDATE twilio_faxes SET status = @Status, quality = @Quality, job_id = @JobId, outbox_id = @OutboxId, fax_record_id = @FaxRecordId,
                  media_sid = @MediaSid, media_file_id = @MediaFileId, media_content_type = @MediaContentType, num_pages = @NumPages,
                  duration_seconds = @DurationSeconds, remote_station_id = @RemoteStationId, error_code = @ErrorCode, error_message = @ErrorMessage,
                  store_media = @StoreMedia, reported_changes = @ReportedChanges, date_updated = @DateUpdated
                WHERE sid = @Sid AND status = @ExpectedStatus
                """, WithExpected(fax, expectedStatus), t).ConfigureAwait(false);
            if (changed == 0)
            {
                return false;
            }

            await SqliteCallbackQueue.InsertAsync(c, t, callbacks).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<TwilioFax>> ListOpenOutboundAsync(int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<TwilioFax>>(async c => [.. (await c.QueryAsync<TwilioFaxRow>("""
            SELECT * FROM twilio_faxes
            WHERE direction = 'outbound' AND status IN ('queued', 'processing', 'sending')
            ORDER BY date_created LIMIT @limit
            """, new { limit }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<IReadOnlyList<TwilioFax>> ListReceivingAsync(int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<TwilioFax>>(async c => [.. (await c.QueryAsync<TwilioFaxRow>(
            "SELECT * FROM twilio_faxes WHERE direction = 'inbound' AND status = 'receiving' ORDER BY date_created LIMIT @limit",
            new { limit }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<bool> DeleteFaxAsync(string accountId, string sid, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync(
            "DELETE FROM twilio_faxes WHERE sid = @sid AND account_id = @accountId", new { sid, accountId }, t).ConfigureAwait(false) > 0, cancellationToken);

    private static DynamicParameters WithExpected(TwilioFax fax, string expectedStatus)
    {
        var parameters = new DynamicParameters(TwilioFaxRow.Parameters(fax));
        parameters.Add("ExpectedStatus", expectedStatus);
        return parameters;
    }

    private Task<TwilioFax?> QueryOneAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<TwilioFaxRow>(sql, parameters).ConfigureAwait(false))?.ToModel(), cancellationToken);
}
