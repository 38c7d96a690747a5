using Dapper;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Storage.Sqlite;

#pragma warning disable CA1812 // Row types are instantiated by Dapper.
internal sealed class AccountRow
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string LastName { get; set; } = "";
    public string Phone { get; set; } = "";
    public string Type { get; set; } = "";
    public string? ParentId { get; set; }
    public string Status { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? MemberQuota { get; set; }
    public string? MemberRole { get; set; }
    public string ProfileJson { get; set; } = "{}";

    public Account ToModel() => new()
    {
        Id = Id,
        Email = Email,
        Name = Name,
        LastName = LastName,
        Phone = Phone,
        Type = Codec.Parse<AccountType>(Type),
        ParentId = ParentId,
        Status = Status,
        CreatedAt = Codec.Time(CreatedAt),
        MemberQuota = (int?)MemberQuota,
        MemberRole = MemberRole,
        ProfileJson = ProfileJson,
    };

    public static object Of(Account a) => new
    {
        a.Id, a.Email, a.Name, a.LastName, a.Phone, Type = Codec.Name(a.Type), a.ParentId, a.Status,
        CreatedAt = Codec.Ms(a.CreatedAt), a.MemberQuota, a.MemberRole, a.ProfileJson,
    };
}

internal sealed class TokenRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public string Scopes { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? ExpiresAt { get; set; }
    public string Name { get; set; } = "";

    public ApiToken ToModel() => new()
    {
        Id = Id,
        AccountId = AccountId,
        SecretHash = SecretHash,
        Scopes = Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        CreatedAt = Codec.Time(CreatedAt),
        ExpiresAt = Codec.Time(ExpiresAt),
        Name = Name,
    };
}

internal sealed class NumberRow
{
    public string Id { get; set; } = "";
    public string Number { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public string AssignedTo { get; set; } = "[]";
    public long AcquiredAt { get; set; }
    public string Status { get; set; } = "";
    public string? LineId { get; set; }

    public FaxNumber ToModel() => new()
    {
        Id = Id,
        Number = Number,
        OwnerId = OwnerId,
        AssignedTo = Codec.List(AssignedTo),
        AcquiredAt = Codec.Time(AcquiredAt),
        Status = Status,
        LineId = LineId,
    };
}

internal sealed class LineRow
{
    public string Id { get; set; } = "";
    public string Number { get; set; } = "";
    public bool CanSend { get; set; }
    public bool CanReceive { get; set; }
    public string? DefaultAccountId { get; set; }
    public string Health { get; set; } = "";
    public long ConsecutiveFailures { get; set; }
    public long? LastCallAt { get; set; }
    public long? HealthChangedAt { get; set; }

    public FaxLine ToModel() => new()
    {
        Id = Id,
        Number = Number,
        CanSend = CanSend,
        CanReceive = CanReceive,
        DefaultAccountId = DefaultAccountId,
        Health = Codec.Parse<LineHealthState>(Health),
        ConsecutiveFailures = (int)ConsecutiveFailures,
        LastCallAt = Codec.Time(LastCallAt),
        HealthChangedAt = Codec.Time(HealthChangedAt),
    };
}

internal sealed class FileRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string RelativePath { get; set; } = "";
    public string ContentType { get; set; } = "";
    public string OriginalName { get; set; } = "";
    public long Size { get; set; }
    public long? PageCount { get; set; }
    public long CreatedAt { get; set; }
    public long? ExpiresAt { get; set; }

    public StoredFile ToModel() => new()
    {
        Id = Id,
        AccountId = AccountId,
        Kind = Codec.Parse<StoredFileKind>(Kind),
        RelativePath = RelativePath,
        ContentType = ContentType,
        OriginalName = OriginalName,
        Size = Size,
        PageCount = (int?)PageCount,
        CreatedAt = Codec.Time(CreatedAt),
        ExpiresAt = Codec.Time(ExpiresAt),
    };

    public static object Of(StoredFile f) => new
    {
        f.Id, f.AccountId, Kind = Codec.Name(f.Kind), f.RelativePath, f.ContentType, f.OriginalName, f.Size, f.PageCount,
        CreatedAt = Codec.Ms(f.CreatedAt), ExpiresAt = Codec.Ms(f.ExpiresAt),
    };

    public const string Insert = """
        INSERT INTO files (id, account_id, kind, relative_path, content_type, original_name, size, page_count, created_at, expires_at)
        VALUES (@Id, @AccountId, @Kind, @RelativePath, @ContentType, @OriginalName, @Size, @PageCount, @CreatedAt, @ExpiresAt)
        """;
}
#pragma warning restore CA1812

internal sealed class SqliteAccountRepository(SqliteDatabase db) : IAccountRepository
{
    private const string Insert = """
        INSERT INTO accounts (id, email, name, last_name, phone, type, parent_id, status, created_at, member_quota, member_role, profile_json)
        VALUES (@Id, @Email, @Name, @LastName, @Phone, @Type, @ParentId, @Status, @CreatedAt, @MemberQuota, @MemberRole, @ProfileJson)
        """;

    public Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<AccountRow>("SELECT * FROM accounts WHERE id = @accountId", new { accountId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<Account?> GetByEmailAsync(string email, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<AccountRow>("SELECT * FROM accounts WHERE email = @email", new { email }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<IReadOnlyList<Account>> ListMembersAsync(string adminId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<Account>>(async c => [.. (await c.QueryAsync<AccountRow>("SELECT * FROM accounts WHERE parent_id = @adminId ORDER BY created_at, id", new { adminId }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<Account?> GetFirstAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<AccountRow>("SELECT * FROM accounts WHERE parent_id IS NULL ORDER BY created_at, rowid LIMIT 1").ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task AddAsync(Account account, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(Insert, AccountRow.Of(account), t), cancellationToken);

    public Task<bool> UpdateAsync(Account account, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync("""
            UPDATE accounts SET email = @Email, name = @Name, last_name = @LastName, phone = @Phone, status = @Status,
              member_quota = @MemberQuota, member_role = @MemberRole, profile_json = @ProfileJson
            WHERE id = @Id
            """, AccountRow.Of(account), t).ConfigureAwait(false) > 0, cancellationToken);
}

internal sealed class SqliteTokenRepository(SqliteDatabase db) : ITokenRepository
{
    public Task AddAsync(ApiToken token, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO tokens (id, account_id, secret_hash, scopes, created_at, expires_at, name)
            VALUES (@Id, @AccountId, @SecretHash, @Scopes, @CreatedAt, @ExpiresAt, @Name)
            """, new { token.Id, token.AccountId, token.SecretHash, Scopes = string.Join(' ', token.Scopes), CreatedAt = Codec.Ms(token.CreatedAt), ExpiresAt = Codec.Ms(token.ExpiresAt), token.Name }, t), cancellationToken);

    public Task<ApiToken?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<TokenRow>("SELECT * FROM tokens WHERE secret_hash = @secretHash", new { secretHash }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<bool> DeleteAsync(string tokenId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync("DELETE FROM tokens WHERE id = @tokenId", new { tokenId }, t).ConfigureAwait(false) > 0, cancellationToken);
}

internal sealed class SqliteNumberRepository(SqliteDatabase db) : INumberRepository
{
    public Task<IReadOnlyList<FaxNumber>> ListVisibleAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FaxNumber>>(async c => [.. (await c.QueryAsync<NumberRow>("""
            SELECT * FROM numbers
            WHERE owner_id = @accountId OR EXISTS (SELECT 1 FROM json_each(numbers.assigned_to) WHERE value = @accountId)
            ORDER BY number
            """, new { accountId }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<FaxNumber?> GetByNumberAsync(string number, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<NumberRow>("SELECT * FROM numbers WHERE number = @number", new { number }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<IReadOnlyList<FaxNumber>> ListByLineAsync(string lineId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FaxNumber>>(async c => [.. (await c.QueryAsync<NumberRow>("SELECT * FROM numbers WHERE line_id = @lineId ORDER BY number", new { lineId }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task UpsertAsync(FaxNumber number, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO numbers (id, number, owner_id, assigned_to, acquired_at, status, line_id)
            VALUES (@Id, @Number, @OwnerId, @AssignedTo, @AcquiredAt, @Status, @LineId)
            ON CONFLICT (number) DO UPDATE SET owner_id = excluded.owner_id, assigned_to = excluded.assigned_to,
              status = excluded.status, line_id = excluded.line_id
            """, new { number.Id, number.Number, number.OwnerId, AssignedTo = Codec.Json(number.AssignedTo), AcquiredAt = Codec.Ms(number.AcquiredAt), number.Status, number.LineId }, t), cancellationToken);
}

internal sealed class SqliteLineRepository(SqliteDatabase db) : ILineRepository
{
    public Task<IReadOnlyList<FaxLine>> ListAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FaxLine>>(async c => [.. (await c.QueryAsync<LineRow>("SELECT * FROM lines ORDER BY id").ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<FaxLine?> GetAsync(string lineId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<LineRow>("SELECT * FROM lines WHERE id = @lineId", new { lineId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task UpsertAsync(FaxLine line, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            INSERT INTO lines (id, number, can_send, can_receive, default_account_id, health, consecutive_failures)
            VALUES (@Id, @Number, @CanSend, @CanReceive, @DefaultAccountId, @Health, 0)
            ON CONFLICT (id) DO UPDATE SET number = excluded.number, can_send = excluded.can_send,
              can_receive = excluded.can_receive, default_account_id = excluded.default_account_id
            """, new { line.Id, line.Number, line.CanSend, line.CanReceive, line.DefaultAccountId, Health = Codec.Name(line.Health) }, t), cancellationToken);

    public Task UpdateHealthAsync(string lineId, LineHealthState health, int consecutiveFailures, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync("""
            UPDATE lines SET consecutive_failures = @consecutiveFailures, last_call_at = @at,
              health_changed_at = CASE WHEN health = @health THEN health_changed_at ELSE @at END, health = @health
            WHERE id = @lineId
            """, new { lineId, health = Codec.Name(health), consecutiveFailures, at = Codec.Ms(at) }, t), cancellationToken);
}

internal sealed class SqliteFileRepository(SqliteDatabase db) : IFileRepository
{
    public Task AddAsync(StoredFile file, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(FileRow.Insert, FileRow.Of(file), t), cancellationToken);

    public Task<StoredFile?> GetAsync(string accountId, string fileId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<FileRow>("SELECT * FROM files WHERE id = @fileId AND account_id = @accountId", new { fileId, accountId }).ConfigureAwait(false))?.ToModel(), cancellationToken);

    public Task<bool> DeleteAsync(string accountId, string fileId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await c.ExecuteAsync("DELETE FROM files WHERE id = @fileId AND account_id = @accountId", new { fileId, accountId }, t).ConfigureAwait(false) > 0, cancellationToken);

    public Task<IReadOnlyList<StoredFile>> ListExpiredUploadsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<StoredFile>>(async c => [.. (await c.QueryAsync<FileRow>("""
            SELECT f.* FROM files f
            WHERE f.expires_at IS NOT NULL AND f.expires_at <= @now AND f.kind = 'upload'
              AND NOT EXISTS (SELECT 1 FROM outbox o, json_each(o.file_ids_json) j WHERE o.open_jobs > 0 AND j.value = f.id)
            ORDER BY f.expires_at LIMIT @limit
            """, new { now = Codec.Ms(now), limit }).ConfigureAwait(false)).Select(r => r.ToModel())], cancellationToken);

    public Task<IReadOnlySet<string>> ListRelativePathsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlySet<string>>(async c => (await c.QueryAsync<string>("SELECT relative_path FROM files").ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal), cancellationToken);
}
