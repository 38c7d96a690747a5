using System.Reflection;
using Dapper;
using FaxGateway.Core.Ports;

namespace FaxGateway.Storage.Sqlite;

/// <summary>
/// Applies the embedded scripts <c>Migrations/Sqlite/NNNN_area.sql</c> in ordinal name order, each once
/// and each in one transaction together with its row in <c>schema_migrations</c>. Another area adds its
/// own file (e.g. <c>0100_twilio.sql</c>); nothing here changes.
/// </summary>
public sealed class SqliteMigrator(SqliteDatabase database) : IStorageInitializer
{
    private const string ResourcePrefix = "FaxGateway.Storage.Migrations.Sqlite.";

    public static IReadOnlyList<(string Id, string Sql)> Scripts()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..^4], Read(assembly, n)))];
    }

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await database.WriteAsync(
            (c, t) => c.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", transaction: t),
            cancellationToken).ConfigureAwait(false);
        foreach (var (id, sql) in Scripts())
        {
            await database.WriteAsync(async (c, t) =>
            {
                var done = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations WHERE id = @id", new { id }, t).ConfigureAwait(false);
                if (done > 0)
                {
                    return 0;
                }

                await c.ExecuteAsync(sql, transaction: t).ConfigureAwait(false);
                await c.ExecuteAsync("INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @at)", new { id, at = DateTimeOffset.UtcNow.ToString("u") }, t).ConfigureAwait(false);
                return 1;
            }, cancellationToken).ConfigureAwait(false);
        }

        return await database.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations"), cancellationToken).ConfigureAwait(false);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing embedded migration {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
