using FaxGateway.Modems.Calls;
using FaxGateway.Modems.Tests.Scripting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.Calls;

/// <summary>
/// Counting RINGs survives the daemon looking at its queue: a ring wait cancelled between two RINGs (the line worker
/// does so to check for due jobs) goes on with the same call, its first ring time and caller id; the line says it is
/// ringing meanwhile so the worker does not dial over it; and RINGs that stopped for longer than the cadence allows
/// were a caller who hung up.
/// </summary>
public sealed class RingCountingTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    /// <summary>Starts a wait for <paramref name="rings"/> rings and cancels it once the line has read the pending RING.</summary>
    private static async Task WaitThenLookAtTheQueueAsync(FaxLine line, int rings, CancellationToken cancellationToken)
    {
        using var lookAtQueue = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wait = line.WaitForRingAsync(rings, lookAtQueue.Token);
        await UntilAsync(() => line.IsRinging, cancellationToken);
        await lookAtQueue.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public async Task A_ring_wait_cancelled_between_rings_goes_on_with_the_same_call_and_its_caller_id()
    {
        var ct = TestProfiles.Generous;
        var time = new FakeTimeProvider(Start);
        var script = new ScriptedModemStream();
        await using var line = new FaxLine(TestProfiles.Connect(script, TestProfiles.Class1 with { CallerIdWaitMs = 0 }, time));
        Assert.False(line.IsRinging);

        script.Inject("\r\nRING\r\n\r\nDATE=1122\r\nTIME=0900\r\nNMBR=5551234\r\nNAME=ACME FAX\r\n");
        await WaitThenLookAtTheQueueAsync(line, rings: 2, ct);
        Assert.True(line.IsRinging, "the call still rings: the worker must not dial out");

        time.Advance(TimeSpan.FromSeconds(6));
        script.Inject("\r\nRING\r\n");
        var ring = await line.WaitForRingAsync(2, ct);

        Assert.Equal(2, ring.Rings);
        Assert.Equal(Start, ring.FirstRingAt);
        Assert.Equal("5551234", ring.CallerId.Number);
        Assert.Equal("ACME FAX", ring.CallerId.Name);
        Assert.False(line.IsRinging, "answered: the next RING is a new call");
    }

    [Fact]
    public async Task Rings_that_stopped_for_longer_than_the_cadence_were_a_caller_who_hung_up()
    {
        var ct = TestProfiles.Generous;
        var time = new FakeTimeProvider(Start);
        var script = new ScriptedModemStream();
        await using var line = new FaxLine(TestProfiles.Connect(script, TestProfiles.Class1 with { CallerIdWaitMs = 0 }, time));

        script.Inject("\r\nRING\r\n\r\nNMBR=5551234\r\n");
        await WaitThenLookAtTheQueueAsync(line, rings: 2, ct);
        time.Advance(FaxLine.RingGap);
        Assert.False(line.IsRinging, "no RING for longer than the cadence allows: the caller gave up");

        // A new call rings twice, without caller id: nothing of the first one is carried over.
        script.Inject("\r\nRING\r\n");
        await WaitThenLookAtTheQueueAsync(line, rings: 2, ct);
        var second = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(6));
        script.Inject("\r\nRING\r\n");
        var ring = await line.WaitForRingAsync(2, ct);

        Assert.Equal(2, ring.Rings);
        Assert.Equal(second, ring.FirstRingAt);
        Assert.Null(ring.CallerId.Number);
    }
}
