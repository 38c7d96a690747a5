using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// A line never dials out over a call that is ringing in (the exchange would connect the caller to our modem in the
/// middle of a dial): with a job due, a ringing line waits for its call, answers it, and sends the job afterwards.
/// </summary>
public sealed class RingingLineTests : IAsyncLifetime
{
    private QueueHarness _q = null!;

    public async Task InitializeAsync() => _q = await new QueueHarness().StartAsync();

    public async Task DisposeAsync() => await _q.DisposeAsync();

    [Fact]
    public async Task With_a_job_due_a_ringing_line_answers_its_call_first_and_then_sends()
    {
        await _q.SubmitAsync(["+41445559001"]);
        Assert.True(await _q.ConvertNextAsync());
        var line = new ScriptedFaxLine("line1") { IsRinging = true, ReceivePages = 1 };
        var worker = _q.Worker(line);
        line.ScriptSuccess();

        // The call's last ring arrives: the step answers it instead of dialling.
        line.Ring(new IncomingCall { LineId = "line1", CallerNumber = "+41445550999", CalledNumber = _q.Number, RingAt = _q.Time.GetUtcNow() });
        await worker.StepAsync(CancellationToken.None);

        Assert.Empty(line.Sent);
        Assert.Single(await _q.FaxesAsync(FaxCategory.Inbox));

        line.IsRinging = false;
        await worker.StepAsync(CancellationToken.None);
        Assert.Single(line.Sent);
    }

    [Fact]
    public async Task While_it_rings_the_worker_looks_again_only_on_its_recheck_timer_and_still_does_not_dial()
    {
        await _q.SubmitAsync(["+41445559001"]);
        Assert.True(await _q.ConvertNextAsync());
        var line = new ScriptedFaxLine("line1") { IsRinging = true };
        var worker = _q.Worker(line);
        line.ScriptSuccess();

        var step = worker.StepAsync(CancellationToken.None);
        Assert.False(step.IsCompleted, "a ringing line waits for its call, not for the queue");

        // The step's timer starts after its storage read: move the clock on until the recheck has fired.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!step.IsCompleted)
        {
            deadline.Token.ThrowIfCancellationRequested();
            _q.Time.Advance(LineWorker.RingingRecheck);
            await Task.Yield();
        }

        await step;

        Assert.Empty(line.Sent);
    }
}
