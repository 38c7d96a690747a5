using FaxGateway.Core.Inbound;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Core.Tests;

public sealed class LineHealthAndRoutingTests
{
    private sealed class Lines : ILineRepository
    {
        public Dictionary<string, FaxLine> Stored { get; } = [];

        public Task<IReadOnlyList<FaxLine>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<FaxLine>>([.. Stored.Values]);

        public Task<FaxLine?> GetAsync(string lineId, CancellationToken cancellationToken) => Task.FromResult(Stored.GetValueOrDefault(lineId));

        public Task UpsertAsync(FaxLine line, CancellationToken cancellationToken)
        {
            Stored[line.Id] = line;
            return Task.CompletedTask;
        }

        public Task UpdateHealthAsync(string lineId, LineHealthState health, int consecutiveFailures, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Stored[lineId] = (Stored.GetValueOrDefault(lineId) ?? new FaxLine { Id = lineId }) with { Health = health, ConsecutiveFailures = consecutiveFailures };
            return Task.CompletedTask;
        }
    }

    private sealed class Numbers(params FaxNumber[] numbers) : INumberRepository
    {
        public Task<IReadOnlyList<FaxNumber>> ListVisibleAsync(string accountId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FaxNumber>>([.. numbers.Where(n => n.OwnerId == accountId)]);

        public Task<FaxNumber?> GetByNumberAsync(string number, CancellationToken cancellationToken) => Task.FromResult(numbers.FirstOrDefault(n => n.Number == number));

        public Task<IReadOnlyList<FaxNumber>> ListByLineAsync(string lineId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FaxNumber>>([.. numbers.Where(n => n.LineId == lineId)]);

        public Task UpsertAsync(FaxNumber number, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RejectAll : IInboundCallHandler
    {
        public Task<InboundDecision?> DecideAsync(IncomingCall call, FaxLineDescriptor line, CancellationToken cancellationToken) =>
            Task.FromResult<InboundDecision?>(call.CallerNumber == "+41999" ? new InboundDecision.Reject("blocked caller") : null);
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Failures_in_a_row_take_a_line_out_and_a_good_call_resets_the_count()
    {
        var lines = new Lines();
        var health = new LineHealthTracker("l1", lines, 3, new FakeTimeProvider(Now));
        Assert.False(await health.RecordCallAsync(FailureKind.NoCarrier, CancellationToken.None));
        Assert.False(await health.RecordCallAsync(FailureKind.ProtocolError, CancellationToken.None));
        Assert.False(await health.RecordCallAsync(FailureKind.None, CancellationToken.None));
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.False(await health.RecordCallAsync(FailureKind.LineFault, CancellationToken.None));
        Assert.False(await health.RecordCallAsync(FailureKind.Busy, CancellationToken.None));
        Assert.False(await health.RecordCallAsync(FailureKind.NoAnswer, CancellationToken.None));
        Assert.False(await health.RecordCallAsync(FailureKind.LineFault, CancellationToken.None));
        Assert.True(await health.RecordCallAsync(FailureKind.LineFault, CancellationToken.None));
        Assert.Equal(LineHealthState.OutOfService, health.State);
        Assert.Equal(LineHealthState.OutOfService, lines.Stored["l1"].Health);

        await health.RestoreAsync(CancellationToken.None);
        Assert.Equal(LineHealthState.InService, health.State);
        Assert.Equal(0, lines.Stored["l1"].ConsecutiveFailures);
    }

    [Fact]
    public async Task Calls_route_by_handler_then_called_number_then_line_number_then_default_account()
    {
        var lines = new Lines();
        await lines.UpsertAsync(new FaxLine { Id = "l2", DefaultAccountId = "fallback" }, CancellationToken.None);
        var numbers = new Numbers(
            new FaxNumber { Id = "1", Number = "+41445550001", OwnerId = "owner", AcquiredAt = Now, AssignedTo = ["member"] },
            new FaxNumber { Id = "2", Number = "+41445550002", OwnerId = "owner2", AcquiredAt = Now });
        var router = new InboundRouter([new RejectAll()], numbers, lines);
        IncomingCall Call(string caller, string called) => new() { LineId = "l1", CallerNumber = caller, CalledNumber = called, RingAt = Now };

        Assert.IsType<InboundDecision.Reject>(await router.RouteAsync(Call("+41999", "+41445550001"), new FaxLineDescriptor("l1", "+41445550002"), CancellationToken.None));
        Assert.Equal(new InboundDecision.Answer("member", "+41445550001"), await router.RouteAsync(Call("+41777", "+41 44 555 00 01"), new FaxLineDescriptor("l1", "+41445550002"), CancellationToken.None));
        Assert.Equal(new InboundDecision.Answer("owner2", "+41445550002"), await router.RouteAsync(Call("+41777", ""), new FaxLineDescriptor("l1", "+41445550002"), CancellationToken.None));
        Assert.Equal(new InboundDecision.Answer("fallback", ""), await router.RouteAsync(Call("+41777", ""), new FaxLineDescriptor("l2", ""), CancellationToken.None));
        Assert.IsType<InboundDecision.Reject>(await router.RouteAsync(Call("+41777", ""), new FaxLineDescriptor("l3", ""), CancellationToken.None));
    }
}
