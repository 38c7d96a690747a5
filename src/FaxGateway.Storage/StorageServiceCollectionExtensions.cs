using FaxGateway.Core.Ports;
using FaxGateway.Storage.Files;
using FaxGateway.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Storage;

/// <summary>Registers the SQLite engine behind Core's ports. A PostgreSQL engine would add a sibling method.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, Action<StorageOptions> configure)
    {
        services.AddOptions<StorageOptions>().Configure(configure);
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteFaxWriter>();
        services.AddSingleton<IStorageInitializer, SqliteMigrator>();
        services.AddSingleton<IAccountRepository, SqliteAccountRepository>();
        services.AddSingleton<ITokenRepository, SqliteTokenRepository>();
        services.AddSingleton<INumberRepository, SqliteNumberRepository>();
        services.AddSingleton<ILineRepository, SqliteLineRepository>();
        services.AddSingleton<IFileRepository, SqliteFileRepository>();
        services.AddSingleton<IJobRepository, SqliteJobRepository>();
        services.AddSingleton<IFaxRepository, SqliteFaxRepository>();
        services.AddSingleton<IWebhookRepository, SqliteWebhookRepository>();
        services.AddSingleton<ICallbackQueue, SqliteCallbackQueue>();
        services.AddSingleton<FileContentStore>();
        services.AddSingleton<IFileContentStore>(sp => sp.GetRequiredService<FileContentStore>());
        services.AddSingleton<Core.Inbound.IReceiveSpool, FileReceiveSpool>();
        return services;
    }
}
