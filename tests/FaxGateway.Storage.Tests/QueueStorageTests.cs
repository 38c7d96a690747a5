using System.Collections.Concurrent;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Storage.Tests;

public sealed class QueueStorageTests
{
    private static readonly DateTimeOffset Now = StorageFixture.Now;

    [Fact]
    public async Task Concurrent_claims_never_hand_one_job_to_two_lines()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var jobs = await storage.ScheduleAsync([.. Enumerable.Range(0, 200).Select(i => $"+4144{i:D7}")]);
        var repo = storage.Get<IJobRepository>();
        var claimed = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(line => Task.Run(async () =>
        {
            while (await repo.ClaimNextAsync($"line{line}", FaxIds.NewShort(), Now, 1, CancellationToken.None) is { } job)
            {
                claimed.Add(job.Id);
            }
        })));
        Assert.Equal(200, claimed.Count);
        Assert.Equal(jobs.Select(j => j.Id).Order(), claimed.Order());
        Assert.Equal(200, (await repo.CountByStateAsync(CancellationToken.None))[JobState.Sending]);
    }

    [Fact]
    public async Task Concurrent_claims_respect_the_per_destination_limit()
    {
        await using var storage = await new StorageFixture().StartAsync();
        await storage.ScheduleAsync([.. Enumerable.Repeat("+41445550100", 20)]);
        var repo = storage.Get<IJobRepository>();
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(line => Task.Run(() =>
            repo.ClaimNextAsync($"line{line}", FaxIds.NewShort(), Now, 2, CancellationToken.None))));
        Assert.Equal(2, claims.Count(c => c is not null));
    }

    [Fact]
    public async Task Priority_then_due_time_then_submission_order()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var repo = storage.Get<IJobRepository>();
        var first = (await storage.ScheduleAsync("+41445550201"))[0];
        var second = (await storage.ScheduleAsync("+41445550202"))[0];
        Assert.Equal(first.Id, (await repo.ClaimNextAsync("l", "s1", Now, 1, CancellationToken.None))!.Id);
        Assert.Equal(second.Id, (await repo.ClaimNextAsync("l", "s2", Now, 1, CancellationToken.None))!.Id);
        Assert.Null(await repo.ClaimNextAsync("l", "s3", Now, 1, CancellationToken.None));
    }

    [Fact]
    public async Task A_completion_of_a_job_that_moved_on_changes_nothing()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var job = (await storage.ScheduleAsync("+41445550301"))[0];
        var repo = storage.Get<IJobRepository>();
        var claimed = await repo.ClaimNextAsync("l", "s", Now, 1, CancellationToken.None);
        Assert.Equal(JobState.Sending, claimed!.State);

        // Read as scheduled, but it is sending now: the cancel must not apply, nor its record.
        var attempt = new AttemptRecord { Failure = FailureKind.None, At = Now };
        var record = new FaxRecord
        {
            Id = FaxIds.NewShort(), AccountId = storage.AccountId, Direction = FaxDirection.Outgoing, Status = "failed", From = "a", To = "b", StartTime = Now,
            SessionId = "x", HookId = "x", JobId = job.Id, LastUpdate = Now,
        };
        Assert.False(await repo.CompleteAsync(new JobCompletionBatch([new JobCompletion(job, JobState.Cancelled, attempt, record)], []), CancellationToken.None));
        Assert.Equal(JobState.Sending, (await repo.GetJobAsync(job.Id, CancellationToken.None))!.State);
        Assert.Null(await storage.Get<IFaxRepository>().GetAsync(storage.AccountId, record.Id, CancellationToken.None));

        Assert.True(await repo.CompleteAsync(new JobCompletionBatch([new JobCompletion(claimed, JobState.Sent, attempt, record with { Status = "success" })], []), CancellationToken.None));
        Assert.False(await repo.CompleteAsync(new JobCompletionBatch([new JobCompletion(claimed, JobState.Sent, attempt, record with { Id = FaxIds.NewShort() })], []), CancellationToken.None));
        Assert.Single(await storage.Get<IFaxRepository>().ListAsync(new FaxQuery(storage.AccountId, null, null, null, 10), CancellationToken.None));
    }

    [Fact]
    public async Task A_reschedule_only_applies_to_a_sending_job_and_records_the_change()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var job = (await storage.ScheduleAsync("+41445550401"))[0];
        var repo = storage.Get<IJobRepository>();
        var attempt = new AttemptRecord { Failure = FailureKind.Busy, At = Now };
        Assert.False(await repo.RescheduleAsync(job.Id, attempt, 1, Now.AddMinutes(3), CancellationToken.None));
        await repo.ClaimNextAsync("l", "s", Now, 1, CancellationToken.None);
        Assert.True(await repo.RescheduleAsync(job.Id, attempt, 1, Now.AddMinutes(3), CancellationToken.None));
        var after = await repo.GetJobAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobState.Scheduled, after!.State);
        Assert.Equal(FailureKind.Busy, after.LastFailure);
        Assert.Null(after.LineId);
        Assert.Equal(Now.AddMinutes(3), await repo.NextDueAsync(CancellationToken.None));
        var changes = await repo.ListStateChangesAsync(job.OutboxId, CancellationToken.None);
        Assert.Equal([JobState.Scheduled, JobState.Sending, JobState.Scheduled], changes.Select(c => c.State));
    }

    [Fact]
    public async Task Callback_deliveries_are_due_marked_and_given_up()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var queue = storage.Get<ICallbackQueue>();
        var delivery = new CallbackDelivery
        {
            Id = FaxIds.NewLong(), AccountId = storage.AccountId, Source = "test", Url = new Uri("http://127.0.0.1:9/x"), ContentType = "application/json",
            Body = "{}"u8.ToArray(), Headers = new Dictionary<string, string> { ["X-A"] = "1" }, NextAttemptAt = Now, CreatedAt = Now,
        };
        await queue.EnqueueAsync([delivery], CancellationToken.None);
        var due = Assert.Single(await queue.ListDueAsync(Now, 10, CancellationToken.None));
        Assert.Equal("1", due.Headers["X-A"]);
        Assert.Equal("{}"u8.ToArray(), due.Body);
        await queue.MarkFailedAsync(delivery.Id, 1, Now.AddSeconds(10), "HTTP 500", CancellationToken.None);
        Assert.Empty(await queue.ListDueAsync(Now, 10, CancellationToken.None));
        Assert.Single(await queue.ListDueAsync(Now.AddSeconds(10), 10, CancellationToken.None));
        await queue.MarkFailedAsync(delivery.Id, 2, null, "HTTP 500", CancellationToken.None);
        Assert.Null(await queue.NextDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_shared_document_file_goes_with_its_last_fax_record()
    {
        await using var storage = await new StorageFixture().StartAsync();
        var files = storage.Get<IFileRepository>();
        var faxes = storage.Get<IFaxRepository>();
        var document = new StoredFile { Id = FaxIds.NewLong(), AccountId = storage.AccountId, Kind = StoredFileKind.FaxPages, RelativePath = "x/doc.tif", ContentType = "image/tiff", Size = 1, CreatedAt = Now };
        await files.AddAsync(document, CancellationToken.None);
        FaxRecord Record() => new()
        {
            Id = FaxIds.NewShort(), AccountId = storage.AccountId, Direction = FaxDirection.Outgoing, Status = "success", From = "a", To = "b", StartTime = Now,
            SessionId = FaxIds.NewShort(), HookId = "h", FileId = document.Id, LastUpdate = Now,
        };
        var one = Record();
        var two = Record();
        await faxes.AddReceivedAsync(one, null, [], CancellationToken.None);
        await faxes.AddReceivedAsync(two, null, [], CancellationToken.None);
        Assert.Null((await faxes.DeleteAsync(storage.AccountId, one.Id, CancellationToken.None)).File);
        Assert.Equal(document.Id, (await faxes.DeleteAsync(storage.AccountId, two.Id, CancellationToken.None)).File!.Id);
        Assert.Null(await files.GetAsync(storage.AccountId, document.Id, CancellationToken.None));
        Assert.False((await faxes.DeleteAsync(storage.AccountId, two.Id, CancellationToken.None)).Deleted);
    }
}
