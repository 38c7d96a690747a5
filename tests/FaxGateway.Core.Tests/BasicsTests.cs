using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Security;

namespace FaxGateway.Core.Tests;

public sealed class BasicsTests
{
    [Theory]
    [InlineData("+41 44 555 01 01", "+41445550101")]
    [InlineData("+1 (334) 304-1234", "+13343041234")]
    [InlineData("0445550101", "0445550101")]
    [InlineData("12", "12")]
    public void Numbers_are_normalised(string input, string expected)
    {
        Assert.True(PhoneNumbers.TryNormalize(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("+12")]
    [InlineData("+1234567890123456")]
    [InlineData("4")]
    [InlineData("call me")]
    [InlineData("+41+44")]
    [InlineData("123456789012345678901")]
    [InlineData("+41 44 555 01 01; DROP TABLE jobs")]
    public void Bad_numbers_are_refused(string? input) => Assert.False(PhoneNumbers.TryNormalize(input, out _));

    [Theory]
    [InlineData("fax:all:edit", "fax", true, true)]
    [InlineData("fax:all:edit", "webhook", false, true)]
    [InlineData("all", "file", true, true)]
    [InlineData("fax:all:read", "fax", false, true)]
    [InlineData("fax:all:read", "fax", true, false)]
    [InlineData("fax:fax:edit", "fax", false, true)]
    [InlineData("fax:fax:edit", "file", true, false)]
    [InlineData("fax:webhook:read", "webhook", true, false)]
    [InlineData("fax:webhook:read", "webhook", false, true)]
    public void Scopes_follow_the_faxplus_rules(string scope, string area, bool write, bool allowed) =>
        Assert.Equal(allowed, Scopes.Allows([scope], area, write));

    [Fact]
    public void Outgoing_outcomes_map_onto_the_closed_faxplus_status_set()
    {
        foreach (var state in new[] { JobState.Sent, JobState.Failed, JobState.Cancelled })
        {
            foreach (var kind in Enum.GetValues<FailureKind>())
            {
                Assert.Contains(FaxStatuses.ForOutgoing(state, kind, 0), FaxStatuses.All);
                Assert.Contains(FaxStatuses.ForOutgoing(state, kind, 2), FaxStatuses.All);
            }
        }

        Assert.Equal("failed_user_busy", FaxStatuses.ForOutgoing(JobState.Failed, FailureKind.Busy, 0));
        Assert.Equal("failed_no_answer", FaxStatuses.ForOutgoing(JobState.Failed, FailureKind.NoAnswer, 0));
        Assert.Equal("partially_sent", FaxStatuses.ForOutgoing(JobState.Failed, FailureKind.ProtocolError, 1));
        Assert.Equal("partially_received", FaxStatuses.ForIncoming(FailureKind.NoCarrier, 2));
        Assert.Equal("success", FaxStatuses.ForIncoming(FailureKind.None, 2));
    }

    [Fact]
    public void Ids_have_the_faxplus_shapes()
    {
        Assert.Matches("^[0-9a-f]{24}$", FaxIds.NewShort());
        Assert.Matches("^[0-9a-f]{32}$", FaxIds.NewLong());
        Assert.NotEqual(FaxIds.NewLong(), FaxIds.NewLong());
    }

    [Fact]
    public void Only_every_page_confirmed_by_MCF_is_sent()
    {
        static Lines.FaxSendResult Result(FailureKind failure, params Lines.PageConfirmation[] pages) => new()
        {
            Failure = failure,
            Pages = [.. pages.Select((p, i) => new Lines.PageOutcome(i + 1, p))],
            StartedAt = DateTimeOffset.UnixEpoch,
            Duration = TimeSpan.Zero,
        };

        Assert.True(Result(FailureKind.None, Lines.PageConfirmation.Mcf, Lines.PageConfirmation.Mcf).AllPagesConfirmed(2));
        Assert.False(Result(FailureKind.None, Lines.PageConfirmation.Mcf, Lines.PageConfirmation.Rtn).AllPagesConfirmed(2));
        Assert.False(Result(FailureKind.None, Lines.PageConfirmation.Mcf).AllPagesConfirmed(2));
        Assert.False(Result(FailureKind.NoCarrier, Lines.PageConfirmation.Mcf, Lines.PageConfirmation.Mcf).AllPagesConfirmed(2));
        Assert.False(Result(FailureKind.None, Lines.PageConfirmation.Mcf, Lines.PageConfirmation.NoResponse).AllPagesConfirmed(2));
        Assert.False(Result(FailureKind.None).AllPagesConfirmed(0));
    }

    [Fact]
    public async Task A_queue_pulse_wakes_every_waiter()
    {
        var signal = new QueueSignal();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var waiters = Enumerable.Range(0, 3).Select(_ => QueueSignal.WaitAsync(signal.Current, TimeSpan.FromHours(1), time, timeout.Token)).ToArray();
        signal.Pulse();
        await Task.WhenAll(waiters);
        var timed = QueueSignal.WaitAsync(signal.Current, TimeSpan.FromMinutes(1), time, timeout.Token);
        Assert.False(timed.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        await timed;
    }
}
