using FaxGateway.Core;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Tests.Daemon;

public sealed class JobLifecycleTests : IAsyncLifetime
{
    private QueueHarness _q = null!;

    public async Task InitializeAsync() => _q = await new QueueHarness().StartAsync();

    public async Task DisposeAsync() => await _q.DisposeAsync();

    private async Task<FaxJob> JobAsync(string id) => (await _q.Get<IJobRepository>().GetJobAsync(id, CancellationToken.None))!;

    private async Task AddHookAsync(string eventName) => await _q.Get<IWebhookRepository>().AddAsync(new Webhook
    {
        Id = FaxIds.NewShort(), AccountId = _q.Account.Id, Target = new Uri("http://127.0.0.1:9/hook"), Event = eventName, SigningSecret = "s", CreatedAt = _q.Time.GetUtcNow(),
    }, CancellationToken.None);

    [Fact]
    public async Task A_job_is_sent_only_when_every_page_is_confirmed_by_MCF()
    {
        await AddHookAsync("fax_sent");
        var submitted = await _q.SubmitAsync(["+41445559001", "+41445559002"]);
        Assert.All(submitted.Jobs, j => Assert.Equal(JobState.Submitted, j.State));
        Assert.True(await _q.ConvertNextAsync());
        Assert.False(await _q.ConvertNextAsync());
        Assert.All(submitted.Jobs, j => Assert.Equal(JobState.Scheduled, JobAsync(j.Id).Result.State));
        Assert.Equal(2, (await JobAsync(submitted.Jobs[0].Id)).PageCount);

        var line = new ScriptedFaxLine("line1");
        var worker = _q.Worker(line);
        line.ScriptSuccess();
        line.Script(f => ScriptedFaxLine.Result(FailureKind.None, f.PageCount, 1, PageConfirmation.Rtn));
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.False(await worker.TrySendNextAsync(CancellationToken.None));

        // The modem said "completed" for the second, but page 2 got RTN: not sent, retried later.
        var first = await JobAsync(submitted.Jobs[0].Id);
        var second = await JobAsync(submitted.Jobs[1].Id);
        Assert.Equal(JobState.Sent, first.State);
        Assert.Equal(JobState.Scheduled, second.State);
        Assert.Equal(FailureKind.PartialPages, second.LastFailure);
        Assert.Equal(_q.Time.GetUtcNow() + TimeSpan.FromMinutes(2), second.NotBefore);
        Assert.Equal(first.HookId, line.Sent[0].SessionId);

        _q.Time.Advance(TimeSpan.FromMinutes(2));
        line.ScriptSuccess();
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.NotEqual(second.HookId, line.Sent[2].SessionId);
        second = await JobAsync(second.Id);
        Assert.Equal(JobState.Sent, second.State);
        Assert.Equal(2, second.Attempts);

        var sent = await _q.FaxesAsync(FaxCategory.Sent);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, f => Assert.Equal(FaxStatuses.Success, f.Status));
        Assert.All(sent, f => Assert.Equal(2, f.Pages));
        var retried = sent.Single(f => f.To == "+41445559002");
        Assert.Equal(second.HookId, retried.HookId);
        Assert.NotEqual(retried.HookId, retried.SessionId);
        Assert.Empty(await _q.Get<IJobRepository>().ListOutboxAsync(_q.Account.Id, CancellationToken.None));
        Assert.Equal(2, (await _q.Get<ICallbackQueue>().ListDueAsync(_q.Time.GetUtcNow(), 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Busy_is_retried_per_options_retry_and_then_fails_as_user_busy()
    {
        await AddHookAsync("fax_sent");
        var submitted = await _q.SubmitAsync(["+41445559003"], new RetryOverride(2, 30));
        await _q.ConvertNextAsync();
        var line = new ScriptedFaxLine("line1");
        var worker = _q.Worker(line);
        line.ScriptFailure(FailureKind.Busy);
        line.ScriptFailure(FailureKind.Busy);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.False(await worker.TrySendNextAsync(CancellationToken.None));
        _q.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));

        var job = await JobAsync(submitted.Jobs[0].Id);
        Assert.Equal(JobState.Failed, job.State);
        var fax = Assert.Single(await _q.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.FailedUserBusy, fax.Status);
        Assert.Equal(2, fax.MaxRetry);
        Assert.Single(await _q.Get<ICallbackQueue>().ListDueAsync(_q.Time.GetUtcNow(), 10, CancellationToken.None));
        Assert.Equal(LineHealthState.InService, worker.Health);
    }

    [Fact]
    public async Task A_future_send_time_is_respected()
    {
        await _q.SubmitAsync(["+41445559004"], sendTime: _q.Time.GetUtcNow().AddHours(1));
        await _q.ConvertNextAsync();
        var line = new ScriptedFaxLine("line1");
        var worker = _q.Worker(line);
        Assert.False(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(_q.Time.GetUtcNow().AddHours(1), await _q.Get<IJobRepository>().NextDueAsync(CancellationToken.None));
        _q.Time.Advance(TimeSpan.FromHours(1));
        line.ScriptSuccess();
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task One_destination_is_dialled_by_one_line_at_a_time()
    {
        await _q.SubmitAsync(["+41445559005"]);
        await _q.SubmitAsync(["+41445559005"]);
        await _q.SubmitAsync(["+41445559006"]);
        while (await _q.ConvertNextAsync())
        {
        }

        var repo = _q.Get<IJobRepository>();
        var a = await repo.ClaimNextAsync("line1", FaxIds.NewShort(), _q.Time.GetUtcNow(), 1, CancellationToken.None);
        var b = await repo.ClaimNextAsync("line2", FaxIds.NewShort(), _q.Time.GetUtcNow(), 1, CancellationToken.None);
        var c = await repo.ClaimNextAsync("line3", FaxIds.NewShort(), _q.Time.GetUtcNow(), 1, CancellationToken.None);
        Assert.Equal("+41445559005", a!.Destination);
        Assert.Equal("+41445559006", b!.Destination);
        Assert.Null(c);
    }

    [Fact]
    public async Task Jobs_past_their_kill_time_fail_as_expired()
    {
        await AddHookAsync("fax_sent");
        var submitted = await _q.SubmitAsync(["+41445559007"]);
        await _q.ConvertNextAsync();
        _q.Time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(1, await _q.Get<JobService>().ExpireAsync(CancellationToken.None));
        Assert.Equal(JobState.Failed, (await JobAsync(submitted.Jobs[0].Id)).State);
        Assert.Equal(FaxStatuses.Failed, Assert.Single(await _q.FaxesAsync()).Status);
    }

    [Fact]
    public async Task A_document_that_cannot_be_converted_fails_the_job()
    {
        var file = await _q.UploadAsync("GIF89a not supported"u8.ToArray(), "image/gif");
        var result = await _q.Get<JobService>().SubmitAsync(new SendRequest { AccountId = _q.Account.Id, From = _q.Number, To = ["+41445559008"], FileIds = [file] }, CancellationToken.None);
        Assert.True(await _q.ConvertNextAsync());
        Assert.Equal(JobState.Failed, (await JobAsync(result.Jobs[0].Id)).State);
        Assert.Equal(FaxStatuses.FailedMimetypeNotSupported, Assert.Single(await _q.FaxesAsync()).Status);
    }

    [Fact]
    public async Task A_job_on_a_line_cannot_be_cancelled_but_a_waiting_one_can()
    {
        var sending = await _q.SubmitAsync(["+41445559009"]);
        var waiting = await _q.SubmitAsync(["+41445559010"], sendTime: _q.Time.GetUtcNow().AddHours(1));
        while (await _q.ConvertNextAsync())
        {
        }

        Assert.NotNull(await _q.Get<IJobRepository>().ClaimNextAsync("line1", FaxIds.NewShort(), _q.Time.GetUtcNow(), 1, CancellationToken.None));
        var jobs = _q.Get<JobService>();
        Assert.Equal(CancelOutcome.Busy, await jobs.CancelAsync(_q.Account.Id, sending.Entry.Id, CancellationToken.None));
        Assert.Equal(CancelOutcome.Cancelled, await jobs.CancelAsync(_q.Account.Id, waiting.Entry.Id, CancellationToken.None));
        Assert.Equal(JobState.Cancelled, (await JobAsync(waiting.Jobs[0].Id)).State);
        Assert.Equal(CancelOutcome.NotFound, await jobs.CancelAsync("someone-else", sending.Entry.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_line_failing_calls_in_a_row_goes_out_of_service()
    {
        await _q.RegisterLineAsync("line1", _q.Number);
        for (var i = 0; i < 3; i++)
        {
            await _q.SubmitAsync([$"+4144555902{i}"]);
        }

        while (await _q.ConvertNextAsync())
        {
        }

        var line = new ScriptedFaxLine("line1");
        var worker = _q.Worker(line);
        line.ScriptFailure(FailureKind.Busy);
        line.ScriptFailure(FailureKind.LineFault);
        line.ScriptFailure(FailureKind.NoCarrier);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(LineHealthState.InService, worker.Health);

        _q.Time.Advance(TimeSpan.FromMinutes(10));
        line.ScriptFailure(FailureKind.ProtocolError);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(LineHealthState.OutOfService, worker.Health);
        var stored = await _q.Get<ILineRepository>().GetAsync("line1", CancellationToken.None);
        Assert.Equal(LineHealthState.OutOfService, stored!.Health);
        Assert.Equal(3, stored.ConsecutiveFailures);
    }
}
