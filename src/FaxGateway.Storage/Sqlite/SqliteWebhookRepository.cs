using System.Data.Common;
using Dapper;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Data.Sqlite;

namespace FaxGateway.Storage.Sqlite;

#pragma warning disable CA1812 // Row types are instantiated by Dapper.
internal sealed class WebhookRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Target { get; set; } = "";
    public string Event { get; set; } = "";
    public string NumbersJson { get; set; } = "[]";
    public string SigningSecret { get; set; } = "";
    public long CreatedAt { get; set; }

    public Webhook ToModel() => new()
    {
        Id = Id,
        AccountId = AccountId,
        Target = new Uri(Target),
        Event = Event,
        Numbers = Codec.List(NumbersJson),
        SigningSecret = SigningSecret,
        CreatedAt = Codec.Time(CreatedAt),
    };
}

internal sealed class DeliveryRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Source { get; set; } = "";
    public string Url { get; set; } = "";
    public string Method { get; set; } = CallbackMethods.Post;
    public string ContentType { get; set; } = "";
    public byte[] Body { get; set; } = [];
    public string HeadersJson { get; set; } = "{}";
    public long Attempts { get; set; }
    public long NextAttemptAt { get; set; }
    public long CreatedAt { get; set; }
    public long? DeliveredAt { get; set; }
    public bool GaveUp { get; set; }
    public string LastError { get; set; } = "";

    public CallbackDelivery ToModel() => new()
    {
        Id = Id,
        AccountId = AccountId,
        Source = Source,
        Url = new Uri(Url),
        Method = Method,
        ContentType = ContentType,
        Body = Body,
        Headers = Codec.Map(HeadersJson),
        Attempts = (int)Attempts,
        NextAttemptAt = Codec.Time(NextAttemptAt),
        CreatedAt = Codec.Time(CreatedAt),
        DeliveredAt = Codec.Time(DeliveredAt),
        GaveUp = GaveUp,
        LastError = LastError,
    };
}
#pragma warning restore CA1812

internal sealed class SqliteWebhookRepository(SqliteDatabase db) : IWebhookRepository
{
    public Task<IReadOnlyList<Webhook>> ListAsync(string accountId, string? eventName, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<Webhook>>(async c => [.. (await c.QueryAsync<WebhookRow>(
            "SELECT * FROM webhooks WHERE account_id = @accountId AND (@eventName IS NULL OR event = @eventName) ORDER BY created_at, id",
            new { accountId, eventName }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task AddAsync(Webhook hook, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO webhooks (id, account_id, target, event, numbers_json, signing_secret, created_at)
            VALUES (@Id, @AccountId, @Target, @Event, @Numbers, @SigningSecret, @CreatedAt)
            """, new { hook.Id, hook.AccountId, Target = hook.Target.ToString(), hook.Event, Numbers = Codec.Json(hook.Numbers), hook.SigningSecret, CreatedAt = Codec.Ms(hook.CreatedAt) }, t), cancellationToken);

    public Task<bool> DeleteAsync(string accountId, string hookId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync("DELETE FROM webhooks WHERE id = @hookId AND account_id = @accountId", new { hookId, accountId }, t).ConfigureAwait(false) > 0, cancellationToken);
}

internal sealed class SqliteCallbackQueue(SqliteDatabase db) : ICallbackQueue
{
    public static Task InsertAsync(SqliteConnection c, DbTransaction t, IReadOnlyList<CallbackDelivery> deliveries)
    {
        if (deliveries.Count == 0)
        {
            return Task.CompletedTask;
        }

        return c.ExecuteAsync("""
            INSERT INTO callback_deliveries (id, account_id, source, url, method, content_type, body, headers_json, attempts, next_attempt_at, created_at)
            VALUES (@Id, @AccountId, @Source, @Url, @Method, @ContentType, @Body, @Headers, @Attempts, @NextAttemptAt, @CreatedAt)
            """, deliveries.Select(d => new
        {
            d.Id, d.AccountId, d.Source, Url = d.Url.ToString(), d.Method, d.ContentType, d.Body, Headers = Codec.Json(d.Headers), d.Attempts,
            NextAttemptAt = Codec.Ms(d.NextAttemptAt), CreatedAt = Codec.Ms(d.CreatedAt),
        }), t);
    }

    public Task EnqueueAsync(IReadOnlyList<CallbackDelivery> deliveries, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => InsertAsync(c, t, deliveries), cancellationToken);

    public Task<IReadOnlyList<CallbackDelivery>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<CallbackDelivery>>(async c => [.. (await c.QueryAsync<DeliveryRow>(
            "SELECT * FROM callback_deliveries WHERE delivered_at IS NULL AND gave_up = 0 AND next_attempt_at <= @now ORDER BY next_attempt_at, rowid LIMIT @limit",
            new { now = Codec.Ms(now), limit }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task MarkDeliveredAsync(string deliveryId, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("UPDATE callback_deliveries SET delivered_at = @at, attempts = attempts + 1 WHERE id = @deliveryId",
            new { deliveryId, at = Codec.Ms(at) }, t), cancellationToken);

    public Task MarkFailedAsync(string deliveryId, int attempts, DateTimeOffset? nextAttemptAt, string error, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE callback_deliveries SET attempts = @attempts, last_error = @error,
              gave_up = CASE WHEN @next IS NULL THEN 1 ELSE 0 END, next_attempt_at = COALESCE(@next, next_attempt_at)
            WHERE id = @deliveryId
            """, new { deliveryId, attempts, error, next = Codec.Ms(nextAttemptAt) }, t), cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async c => Codec.Time(await c.ExecuteScalarAsync<long?>(
            "SELECT MIN(next_attempt_at) FROM callback_deliveries WHERE delivered_at IS NULL AND gave_up = 0").ConfigureAwait(false)), cancellationToken);
}
