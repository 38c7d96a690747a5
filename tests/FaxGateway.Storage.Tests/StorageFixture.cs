using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Storage.Tests;

/// <summary>A migrated SQLite folder of its own, with one account.</summary>
internal sealed class StorageFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public StorageFixture(string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "faxgw-storage-" + Guid.NewGuid().ToString("N"));
        _services = new ServiceCollection().AddSqliteStorage(o => o.DataDirectory = DataDirectory).BuildServiceProvider();
    }

    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public string DataDirectory { get; }
    public string AccountId { get; private set; } = "";

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public async Task<StorageFixture> StartAsync()
    {
        await Get<IStorageInitializer>().MigrateAsync(CancellationToken.None);
        var first = await Get<IAccountRepository>().GetFirstAsync(CancellationToken.None);
        if (first is null)
        {
            first = new Account { Id = FaxIds.NewLong(), Email = "s@example.test", Type = AccountType.Individual, CreatedAt = Now };
            await Get<IAccountRepository>().AddAsync(first, CancellationToken.None);
        }

        AccountId = first.Id;
        return this;
    }

    /// <summary>Submits <paramref name="destinations"/> as one outbox entry with scheduled jobs.</summary>
    public async Task<IReadOnlyList<FaxJob>> ScheduleAsync(params string[] destinations)
    {
        var entry = new OutboxEntry
        {
            Id = FaxIds.NewLong(), AccountId = AccountId, Origin = JobOrigin.FaxPlus, From = "+41445550001", To = destinations, FileIds = ["f"], SubmitTime = Now,
        };
        var jobs = destinations.Select(d =>
        {
            var hook = FaxIds.NewShort();
            return new FaxJob
            {
                Id = FaxIds.NewLong(), OutboxId = entry.Id, AccountId = AccountId, Origin = JobOrigin.FaxPlus, Destination = d, From = entry.From,
                State = JobState.Scheduled, NotBefore = Now, KillAt = Now.AddHours(3), HookId = hook, SessionId = hook, CreatedAt = Now, UpdatedAt = Now,
                DocumentFileId = "doc", PageCount = 1,
            };
        }).ToList();
        await Get<IJobRepository>().SubmitAsync(entry, jobs, CancellationToken.None);
        return jobs;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
