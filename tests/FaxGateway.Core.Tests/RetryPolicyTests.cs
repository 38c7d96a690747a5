using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;

namespace FaxGateway.Core.Tests;

public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static FaxJob Job(int attempts, FailureKind last = FailureKind.None, int ofKind = 0, RetryOverride? retry = null, TimeSpan? killIn = null) => new()
    {
        Id = "j", OutboxId = "o", AccountId = "a", Origin = JobOrigin.FaxPlus, Destination = "+41445550001", From = "+41445550002", State = JobState.Sending,
        NotBefore = Now, KillAt = Now + (killIn ?? TimeSpan.FromHours(3)), Attempts = attempts, LastFailure = last, FailuresOfLastKind = ofKind, Retry = retry,
        HookId = "h", SessionId = "s", CreatedAt = Now, UpdatedAt = Now,
    };

    [Theory]
    [InlineData(FailureKind.Busy, 5, 180)]
    [InlineData(FailureKind.NoAnswer, 3, 300)]
    [InlineData(FailureKind.NoCarrier, 3, 300)]
    [InlineData(FailureKind.ProtocolError, 3, 120)]
    [InlineData(FailureKind.LineFault, 10, 30)]
    public void Each_failure_kind_has_its_own_count_and_delay(FailureKind kind, int tries, int delaySeconds)
    {
        var policy = new RetryPolicy(new QueueOptions { KillAfter = TimeSpan.FromDays(1) });
        for (var failures = 1; failures <= tries; failures++)
        {
            var decision = policy.Decide(Job(failures, kind, failures - 1, killIn: TimeSpan.FromDays(1)), kind, Now);
            Assert.Equal(failures < tries, decision.Retry);
            Assert.Equal(failures, decision.FailuresOfKind);
            Assert.Equal(Now.AddSeconds(delaySeconds), decision.NotBefore);
        }
    }

    [Fact]
    public void A_different_failure_starts_its_own_count()
    {
        var policy = new RetryPolicy(new QueueOptions());
        var decision = policy.Decide(Job(4, FailureKind.Busy, 4), FailureKind.NoAnswer, Now);
        Assert.True(decision.Retry);
        Assert.Equal(1, decision.FailuresOfKind);
    }

    [Fact]
    public void Options_retry_counts_every_try_of_the_job()
    {
        var policy = new RetryPolicy(new QueueOptions());
        var retry = new RetryOverride(3, 45);
        Assert.True(policy.Decide(Job(1, retry: retry), FailureKind.Busy, Now).Retry);
        Assert.Equal(Now.AddSeconds(45), policy.Decide(Job(2, FailureKind.Busy, 1, retry), FailureKind.NoAnswer, Now).NotBefore);
        Assert.False(policy.Decide(Job(3, FailureKind.NoAnswer, 1, retry), FailureKind.Busy, Now).Retry);
    }

    [Fact]
    public void Our_own_line_faults_do_not_spend_the_users_retry_budget()
    {
        var policy = new RetryPolicy(new QueueOptions());
        Assert.True(policy.Decide(Job(5, retry: new RetryOverride(1, 0)), FailureKind.LineFault, Now).Retry);
    }

    [Fact]
    public void Nothing_is_retried_past_the_kill_time()
    {
        var policy = new RetryPolicy(new QueueOptions());
        Assert.False(policy.Decide(Job(1, killIn: TimeSpan.FromMinutes(2)), FailureKind.Busy, Now).Retry);
    }

    [Theory]
    [InlineData(FailureKind.InvalidNumber)]
    [InlineData(FailureKind.ConversionFailed)]
    [InlineData(FailureKind.Internal)]
    public void Permanent_failures_are_not_retried(FailureKind kind) =>
        Assert.False(new RetryPolicy(new QueueOptions()).Decide(Job(1), kind, Now).Retry);

    [Fact]
    public void Bad_queue_settings_are_reported()
    {
        var problems = new QueueOptions { KillAfter = TimeSpan.Zero, MaxConcurrentPerDestination = 0, Busy = new RetryRule { Tries = 0 } }.Validate().ToList();
        Assert.Equal(3, problems.Count);
        Assert.Empty(new QueueOptions().Validate());
    }
}
