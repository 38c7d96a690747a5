using System.Text.Json;
using FaxGateway.Core;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// A retried job resumes at the first page the far end did not confirm (Queue:ResumeAtFirstUnconfirmedPage):
/// the queue on real SQLite, the line scripted page by page, the fax record and the fax_sent webhook checked.
/// </summary>
public sealed class ResumeAtFirstUnconfirmedPageTests
{
    private static async Task<FaxJob> JobAsync(QueueHarness q, string id) => (await q.Get<IJobRepository>().GetJobAsync(id, CancellationToken.None))!;

    private static async Task AddSentHookAsync(QueueHarness q) => await q.Get<IWebhookRepository>().AddAsync(new Webhook
    {
        Id = FaxIds.NewShort(), AccountId = q.Account.Id, Target = new Uri("http://127.0.0.1:9/hook"), Event = "fax_sent", SigningSecret = "s", CreatedAt = q.Time.GetUtcNow(),
    }, CancellationToken.None);

    /// <summary>The <c>data</c> of the one fax_sent webhook waiting to be delivered.</summary>
    private static async Task<JsonElement> SentWebhookDataAsync(QueueHarness q)
    {
        var delivery = Assert.Single(await q.Get<ICallbackQueue>().ListDueAsync(q.Time.GetUtcNow(), 10, CancellationToken.None));
        return JsonDocument.Parse(delivery.Body).RootElement.GetProperty("data").Clone();
    }

    private static async Task<FaxJob> SubmitConvertedAsync(QueueHarness q, int pages, RetryOverride? retry = null)
    {
        var submitted = await q.SubmitAsync(["+41445557001"], retry, pages: pages);
        Assert.True(await q.ConvertNextAsync());
        var job = await JobAsync(q, submitted.Jobs[0].Id);
        Assert.Equal(pages, job.PageCount);
        return job;
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Resuming_is_on_by_default_and_configured_in_the_Queue_section(string? configured, bool expected)
    {
        var settings = new Dictionary<string, string?>();
        if (configured is not null)
        {
            settings["Queue:ResumeAtFirstUnconfirmedPage"] = configured;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        DaemonHost.ConfigureServices(services, configuration, new DaemonSettings { DataDirectory = Path.Combine(Path.GetTempPath(), "faxgw-resume-config") });
        using var provider = services.BuildServiceProvider();
        Assert.Equal(expected, provider.GetRequiredService<IOptions<QueueOptions>>().Value.ResumeAtFirstUnconfirmedPage);
    }

    [Fact]
    public async Task A_call_cut_after_page_2_is_retried_with_page_3_only_and_ends_sent_with_3_pages()
    {
        await using var q = await new QueueHarness().StartAsync();
        await AddSentHookAsync(q);
        var job = await SubmitConvertedAsync(q, pages: 3);
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);

        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 2);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        job = await JobAsync(q, job.Id);
        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(FailureKind.NoCarrier, job.LastFailure);
        Assert.Equal(2, job.PagesConfirmed);
        Assert.Empty(await q.FaxesAsync());

        q.Time.Advance(TimeSpan.FromMinutes(5));
        line.ScriptSuccess();
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));

        Assert.Equal([1, 3], line.Sent.Select(f => f.FirstPage));
        Assert.All(line.Sent, f => Assert.Equal(3, f.PageCount));
        Assert.Equal(1, line.Sent[1].PagesToSend);
        job = await JobAsync(q, job.Id);
        Assert.Equal(JobState.Sent, job.State);
        Assert.Equal(3, job.PagesConfirmed);
        Assert.Equal(2, job.Attempts);

        var fax = Assert.Single(await q.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal(3, fax.Pages);
        var hook = await SentWebhookDataAsync(q);
        Assert.Equal("success", hook.GetProperty("status").GetString());
        Assert.Equal(3, hook.GetProperty("pages").GetInt32());
        Assert.Equal(LineHealthState.InService, worker.Health);
    }

    [Fact]
    public async Task An_RTN_on_page_2_with_MCF_on_page_3_resumes_at_page_2()
    {
        await using var q = await new QueueHarness().StartAsync();
        var job = await SubmitConvertedAsync(q, pages: 3);
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);

        // The modem says the call completed, but page 2 was rejected: page 3's MCF does not make it done.
        line.ScriptPages(FailureKind.None, PageConfirmation.Mcf, PageConfirmation.Rtn, PageConfirmation.Mcf);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        job = await JobAsync(q, job.Id);
        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(FailureKind.PartialPages, job.LastFailure);
        Assert.Equal(1, job.PagesConfirmed);

        // The resumed call gets page 2 rejected again, then loses the line: still one page done.
        q.Time.Advance(TimeSpan.FromMinutes(2));
        line.ScriptPages(FailureKind.NoCarrier, PageConfirmation.Rtn, PageConfirmation.Mcf);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(1, (await JobAsync(q, job.Id)).PagesConfirmed);

        q.Time.Advance(TimeSpan.FromMinutes(5));
        line.ScriptSuccess();
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));

        Assert.Equal([1, 2, 2], line.Sent.Select(f => f.FirstPage));
        Assert.Equal(JobState.Sent, (await JobAsync(q, job.Id)).State);
        var fax = Assert.Single(await q.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal(3, fax.Pages);
    }

    [Fact]
    public async Task With_the_option_off_every_retry_sends_the_whole_document_again()
    {
        await using var q = await new QueueHarness(queue: o => o.ResumeAtFirstUnconfirmedPage = false).StartAsync();
        await AddSentHookAsync(q);
        var job = await SubmitConvertedAsync(q, pages: 3);
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);

        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 2);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(2, (await JobAsync(q, job.Id)).PagesConfirmed);

        // A retry that confirms only the first page counts that call alone: nothing carries over.
        q.Time.Advance(TimeSpan.FromMinutes(5));
        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 1);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(1, (await JobAsync(q, job.Id)).PagesConfirmed);

        q.Time.Advance(TimeSpan.FromMinutes(5));
        line.ScriptSuccess();
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));

        Assert.Equal([1, 1, 1], line.Sent.Select(f => f.FirstPage));
        Assert.All(line.Sent, f => Assert.Equal(3, f.PagesToSend));
        Assert.Equal(JobState.Sent, (await JobAsync(q, job.Id)).State);
        Assert.Equal(3, Assert.Single(await q.FaxesAsync(FaxCategory.Sent)).Pages);
        Assert.Equal(3, (await SentWebhookDataAsync(q)).GetProperty("pages").GetInt32());
    }

    [Fact]
    public async Task With_the_option_off_a_call_must_confirm_every_page_itself()
    {
        await using var q = await new QueueHarness(queue: o => o.ResumeAtFirstUnconfirmedPage = false).StartAsync();
        var job = await SubmitConvertedAsync(q, pages: 2);
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);

        // Every page has its MCF but the call broke down afterwards: without resuming, that is not sent.
        line.ScriptPages(FailureKind.NoCarrier, PageConfirmation.Mcf, PageConfirmation.Mcf);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        Assert.Equal(JobState.Scheduled, (await JobAsync(q, job.Id)).State);
    }

    [Fact]
    public async Task When_every_page_has_its_MCF_across_calls_the_job_is_sent_even_if_the_last_call_broke_down_after_it()
    {
        await using var q = await new QueueHarness().StartAsync();
        var job = await SubmitConvertedAsync(q, pages: 2);
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);

        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 1);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
        q.Time.Advance(TimeSpan.FromMinutes(5));
        line.ScriptPages(FailureKind.NoCarrier, PageConfirmation.Mcf);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));

        // Nothing is left to send: both pages were confirmed by MCF, one in each call.
        Assert.Equal(JobState.Sent, (await JobAsync(q, job.Id)).State);
        var fax = Assert.Single(await q.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal(2, fax.Pages);
    }

    [Fact]
    public async Task A_job_that_finally_fails_after_confirmed_pages_is_partially_sent_with_the_cumulative_count()
    {
        await using var q = await new QueueHarness().StartAsync();
        await AddSentHookAsync(q);
        var job = await SubmitConvertedAsync(q, pages: 4, retry: new RetryOverride(3, 60));
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);

        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 1);
        line.ScriptFailure(FailureKind.PartialPages, confirmed: 1);
        line.ScriptFailure(FailureKind.Busy);
        for (var call = 0; call < 3; call++)
        {
            Assert.True(await worker.TrySendNextAsync(CancellationToken.None));
            q.Time.Advance(TimeSpan.FromSeconds(60));
        }

        Assert.Equal([1, 2, 3], line.Sent.Select(f => f.FirstPage));
        job = await JobAsync(q, job.Id);
        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal(2, job.PagesConfirmed);

        // The last call was busy, but two pages are with the recipient: partially sent, two pages.
        var fax = Assert.Single(await q.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.PartiallySent, fax.Status);
        Assert.Equal(2, fax.Pages);
        var hook = await SentWebhookDataAsync(q);
        Assert.Equal("partially_sent", hook.GetProperty("status").GetString());
        Assert.Equal(2, hook.GetProperty("pages").GetInt32());
    }

    [Fact]
    public async Task Crash_recovery_keeps_the_pages_confirmed_before_the_crash_and_resends_the_interrupted_call()
    {
        var data = Path.Combine(Path.GetTempPath(), "faxgw-resume-" + Guid.NewGuid().ToString("N"));
        string jobId;
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock;
        await using (var before = await new QueueHarness(data).StartAsync())
        {
            clock = before.Time;
            var job = await SubmitConvertedAsync(before, pages: 3);
            jobId = job.Id;
            var line = new ScriptedFaxLine("line1");
            line.ScriptFailure(FailureKind.NoCarrier, confirmed: 1);
            Assert.True(await before.Worker(line).TrySendNextAsync(CancellationToken.None));
            Assert.Equal(1, (await JobAsync(before, jobId)).PagesConfirmed);

            // The retry goes on a line (it may get page 2 confirmed) and the process dies mid-call.
            before.Time.Advance(TimeSpan.FromMinutes(5));
            var claimed = await before.Get<IJobRepository>().ClaimNextAsync("line1", FaxIds.NewShort(), before.Time.GetUtcNow(), 1, CancellationToken.None);
            Assert.Equal(jobId, claimed!.Id);
        }

        await using var after = await new QueueHarness(data, clock).StartAsync();
        Assert.Equal(1, await after.Get<JobService>().RecoverAsync(CancellationToken.None));
        var recovered = await JobAsync(after, jobId);
        Assert.Equal(JobState.Scheduled, recovered.State);
        Assert.Equal(FailureKind.Interrupted, recovered.LastFailure);
        Assert.Equal(1, recovered.PagesConfirmed);

        after.Time.Advance(TimeSpan.FromSeconds(10));
        var retry = new ScriptedFaxLine("line1");
        retry.ScriptSuccess();
        Assert.True(await after.Worker(retry).TrySendNextAsync(CancellationToken.None));

        // Page 2 may have reached the recipient in the interrupted call; we cannot know, so it is sent again.
        Assert.Equal(2, Assert.Single(retry.Sent).FirstPage);
        Assert.Equal(JobState.Sent, (await JobAsync(after, jobId)).State);
        var fax = Assert.Single(await after.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal(3, fax.Pages);
    }

    [Fact]
    public async Task A_daemon_stopping_mid_call_keeps_the_confirmed_pages()
    {
        await using var q = await new QueueHarness().StartAsync();
        var job = await SubmitConvertedAsync(q, pages: 3);
        var line = new ScriptedFaxLine("line1");
        var worker = q.Worker(line);
        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 2);
        Assert.True(await worker.TrySendNextAsync(CancellationToken.None));

        q.Time.Advance(TimeSpan.FromMinutes(5));
        using var stopping = new CancellationTokenSource();
        line.Script(_ =>
        {
            stopping.Cancel();
            throw new OperationCanceledException(stopping.Token);
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.TrySendNextAsync(stopping.Token));

        job = await JobAsync(q, job.Id);
        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(FailureKind.Interrupted, job.LastFailure);
        Assert.Equal(2, job.PagesConfirmed);
    }

    [Fact]
    public async Task A_cancelled_job_keeps_its_count_of_confirmed_pages()
    {
        await using var q = await new QueueHarness().StartAsync();
        var job = await SubmitConvertedAsync(q, pages: 3);
        var line = new ScriptedFaxLine("line1");
        line.ScriptFailure(FailureKind.NoCarrier, confirmed: 2);
        Assert.True(await q.Worker(line).TrySendNextAsync(CancellationToken.None));

        Assert.Equal(CancelOutcome.Cancelled, await q.Get<JobService>().CancelAsync(q.Account.Id, job.OutboxId, CancellationToken.None));
        job = await JobAsync(q, job.Id);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal(2, job.PagesConfirmed);
    }

    [Fact]
    public void The_confirmed_run_stops_at_the_first_page_without_MCF()
    {
        static FaxSendResult Pages(int first, params PageConfirmation[] answers) => new()
        {
            Failure = FailureKind.None,
            Pages = [.. answers.Select((a, i) => new PageOutcome(first + i, a))],
            StartedAt = ScriptedFaxLine.Start,
            Duration = TimeSpan.Zero,
        };

        Assert.Equal(2, Pages(1, PageConfirmation.Mcf, PageConfirmation.Mcf, PageConfirmation.Rtn, PageConfirmation.Mcf).ConfirmedRun(1));
        Assert.Equal(0, Pages(1, PageConfirmation.NoResponse, PageConfirmation.Mcf).ConfirmedRun(1));
        Assert.Equal(2, Pages(3, PageConfirmation.Mcf, PageConfirmation.Mcf).ConfirmedRun(3));
        Assert.True(Pages(3, PageConfirmation.Mcf, PageConfirmation.Mcf).AllPagesConfirmed(4, 3));
        Assert.False(Pages(3, PageConfirmation.Mcf).AllPagesConfirmed(4, 3));
        Assert.False(Pages(3, PageConfirmation.Mcf, PageConfirmation.Mcf).AllPagesConfirmed(4));
    }
}
