using Dapper;
using FaxGateway.Core.Ports;
using FaxGateway.Storage.Sqlite;

namespace FaxGateway.Storage.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_apply_once_in_name_order_and_set_WAL()
    {
        await using var storage = new StorageFixture();
        var migrator = storage.Get<IStorageInitializer>();
        var version = await migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(SqliteMigrator.Scripts().Count, version);
        Assert.Equal(version, await migrator.MigrateAsync(CancellationToken.None));

        var db = storage.Get<SqliteDatabase>();
        var ids = await db.ReadAsync(c => c.QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY rowid"), CancellationToken.None);
        Assert.Equal(SqliteMigrator.Scripts().Select(s => s.Id), ids);
        Assert.Equal("0001_core", ids.First());
        Assert.Equal("wal", await db.ReadAsync(c => c.ExecuteScalarAsync<string>("PRAGMA journal_mode"), CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_half_applied()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var db = storage.Get<SqliteDatabase>();
        await Assert.ThrowsAnyAsync<Exception>(() => db.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync("CREATE TABLE half_done (id INTEGER)", transaction: t);
            await c.ExecuteAsync("THIS IS NOT SQL", transaction: t);
        }, CancellationToken.None));
        Assert.Equal(0, await db.ReadAsync(c => c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"), CancellationToken.None));
    }
}
