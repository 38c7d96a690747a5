using FaxGateway.Core;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Tests.Daemon;

public sealed class CrashSafetyTests
{
    [Fact]
    public async Task A_job_left_on_a_line_by_a_crash_is_retried_never_reported_sent()
    {
        var data = Path.Combine(Path.GetTempPath(), "faxgw-crash-" + Guid.NewGuid().ToString("N"));
        string jobId;
        await using (var before = await new QueueHarness(data).StartAsync())
        {
            var submitted = await before.SubmitAsync(["+41445558001"]);
            await before.ConvertNextAsync();
            var claimed = await before.Get<IJobRepository>().ClaimNextAsync("line1", FaxIds.NewShort(), before.Time.GetUtcNow(), 1, CancellationToken.None);
            jobId = claimed!.Id;
            Assert.Equal(submitted.Jobs[0].Id, jobId);

            // The process dies here, mid-call: nothing more is written.
        }

        await using var after = await new QueueHarness(data).StartAsync();
        Assert.Equal(1, await after.Get<JobService>().RecoverAsync(CancellationToken.None));
        var job = await after.Get<IJobRepository>().GetJobAsync(jobId, CancellationToken.None);
        Assert.Equal(JobState.Scheduled, job!.State);
        Assert.Equal(FailureKind.Interrupted, job.LastFailure);
        Assert.Empty(await after.FaxesAsync());

        after.Time.Advance(TimeSpan.FromSeconds(10));
        var line = new ScriptedFaxLine("line1");
        line.ScriptSuccess();
        Assert.True(await after.Worker(line).TrySendNextAsync(CancellationToken.None));
        Assert.False(await after.Worker(line).TrySendNextAsync(CancellationToken.None));
        var fax = Assert.Single(await after.FaxesAsync());
        Assert.Equal(FaxStatuses.Success, fax.Status);
    }

    [Fact]
    public async Task A_conversion_left_half_done_by_a_crash_restarts()
    {
        var data = Path.Combine(Path.GetTempPath(), "faxgw-crash-" + Guid.NewGuid().ToString("N"));
        await using (var before = await new QueueHarness(data).StartAsync())
        {
            await before.SubmitAsync(["+41445558002"]);
            Assert.NotNull(await before.Get<IJobRepository>().ClaimForConversionAsync(before.Time.GetUtcNow(), CancellationToken.None));
        }

        await using var after = await new QueueHarness(data).StartAsync();
        await after.Get<JobService>().RecoverAsync(CancellationToken.None);
        Assert.True(await after.ConvertNextAsync());
        var line = new ScriptedFaxLine("line1");
        line.ScriptSuccess();
        Assert.True(await after.Worker(line).TrySendNextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Fifty_jobs_through_repeated_crashes_each_end_exactly_once()
    {
        var data = Path.Combine(Path.GetTempPath(), "faxgw-crash-" + Guid.NewGuid().ToString("N"));
        var random = new Random(1234);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ScriptedFaxLine.Start);
        var jobIds = new List<string>();
        await using (var first = await new QueueHarness(data, time).StartAsync())
        {
            for (var i = 0; i < 10; i++)
            {
                jobIds.AddRange((await first.SubmitAsync([.. Enumerable.Range(0, 5).Select(k => $"+414455570{i}{k}")], new RetryOverride(50, 1), pages: 1)).Jobs.Select(j => j.Id));
            }
        }

        var confirmedByLine = new HashSet<string>();
        for (var round = 0; round < 40; round++)
        {
            await using var daemon = await new QueueHarness(data, time).StartAsync();
            await daemon.Get<JobService>().RecoverAsync(CancellationToken.None);
            while (await daemon.ConvertNextAsync())
            {
            }

            var line = new ScriptedFaxLine("line1");
            var worker = daemon.Worker(line);
            var steps = random.Next(1, 6);
            for (var s = 0; s < steps; s++)
            {
                var outcome = random.Next(3);
                line.Script(f =>
                {
                    if (outcome == 0)
                    {
                        confirmedByLine.Add(f.JobId);
                        return ScriptedFaxLine.Result(FailureKind.None, f.PageCount, f.PageCount);
                    }

                    return ScriptedFaxLine.Result(outcome == 1 ? FailureKind.Busy : FailureKind.ProtocolError, f.PageCount, 0);
                });
                if (!await worker.TrySendNextAsync(CancellationToken.None))
                {
                    break;
                }
            }

            // Crash with a call in progress half of the time.
            if (random.Next(2) == 0)
            {
                await daemon.Get<IJobRepository>().ClaimNextAsync("line1", FaxIds.NewShort(), time.GetUtcNow(), 1, CancellationToken.None);
            }

            time.Advance(TimeSpan.FromMinutes(5));
        }

        await using var last = await new QueueHarness(data, time).StartAsync();
        await last.Get<JobService>().RecoverAsync(CancellationToken.None);
        var finalLine = new ScriptedFaxLine("line1");
        for (var i = 0; i < 200; i++)
        {
            finalLine.Script(f =>
            {
                confirmedByLine.Add(f.JobId);
                return ScriptedFaxLine.Result(FailureKind.None, f.PageCount, f.PageCount);
            });
        }

        var finalWorker = last.Worker(finalLine);
        for (var i = 0; i < 20; i++)
        {
            while (await finalWorker.TrySendNextAsync(CancellationToken.None))
            {
            }

            time.Advance(TimeSpan.FromMinutes(5));
        }

        var repo = last.Get<IJobRepository>();
        var faxes = await last.FaxesAsync(FaxCategory.Sent);
        foreach (var id in jobIds)
        {
            var job = await repo.GetJobAsync(id, CancellationToken.None);
            Assert.True(JobService.IsFinal(job!.State), $"job {id} is {job.State}");
            var records = faxes.Where(f => f.JobId == id).ToList();
            Assert.Single(records);
            if (job.State == JobState.Sent)
            {
                Assert.Contains(id, confirmedByLine);
            }
        }
    }
}
