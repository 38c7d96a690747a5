using BenchmarkDotNet.Attributes;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Benchmarks.Daemon;

/// <summary>
/// One scheduler tick of a line on SQLite: claim the most urgent due job, put it back (reschedule),
/// ask for the next due time. The queue holds <see cref="QueuedJobs"/> jobs waiting for a later send
/// time plus one due job; the tick's cost must not grow with the queue (index walks, no scans).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class QueueTickBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private ServiceProvider _services = null!;
    private IJobRepository _jobs = null!;
    private string _data = "";

    [Params(1_000, 100_000)]
    public int QueuedJobs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = Path.Combine(Path.GetTempPath(), "faxgw-bench-" + Guid.NewGuid().ToString("N"));
        _services = new ServiceCollection().AddSqliteStorage(o => o.DataDirectory = _data).BuildServiceProvider();
        _services.GetRequiredService<IStorageInitializer>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        var account = new Account { Id = FaxIds.NewLong(), Email = "b@example.test", Type = AccountType.Individual, CreatedAt = Now };
        _services.GetRequiredService<IAccountRepository>().AddAsync(account, CancellationToken.None).GetAwaiter().GetResult();
        _jobs = _services.GetRequiredService<IJobRepository>();
        for (var batch = 0; batch * 1000 < QueuedJobs; batch++)
        {
            Submit(account.Id, Math.Min(1000, QueuedJobs - (batch * 1000)), Now.AddDays(1).AddSeconds(batch));
        }

        Submit(account.Id, 1, Now);
    }

    private void Submit(string accountId, int count, DateTimeOffset notBefore)
    {
        var entry = new OutboxEntry { Id = FaxIds.NewLong(), AccountId = accountId, Origin = JobOrigin.FaxPlus, From = "no_number", To = [], FileIds = ["f"], SubmitTime = Now };
        var jobs = Enumerable.Range(0, count).Select(i =>
        {
            var hook = FaxIds.NewShort();
            return new FaxJob
            {
                Id = FaxIds.NewLong(), OutboxId = entry.Id, AccountId = accountId, Origin = JobOrigin.FaxPlus, Destination = $"+4144{Random.Shared.Next(10_000_000):D7}",
                From = "no_number", State = JobState.Scheduled, NotBefore = notBefore, KillAt = notBefore.AddHours(3), HookId = hook, SessionId = hook,
                CreatedAt = Now, UpdatedAt = Now, DocumentFileId = "doc", PageCount = 1,
            };
        }).ToList();
        _jobs.SubmitAsync(entry, jobs, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<DateTimeOffset?> SchedulerTick()
    {
        var job = await _jobs.ClaimNextAsync(new JobClaim("line1", FaxIds.NewShort(), Now, 1), CancellationToken.None)
            ?? throw new InvalidOperationException("The due job was not claimed.");
        await _jobs.RescheduleAsync(job.Id, new AttemptRecord { Failure = FailureKind.Busy, At = Now }, 1, Now, CancellationToken.None);
        return await _jobs.NextDueAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
