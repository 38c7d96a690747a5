using FaxGateway.Core.Model;
using FaxGateway.Core.Twilio;

namespace FaxGateway.Core.Tests.Twilio;

public sealed class TwilioFaxStatusTests
{
    [Fact]
    public void Closed_set_of_ten_statuses_with_six_final()
    {
        Assert.Equal(["queued", "processing", "sending", "delivered", "receiving", "received", "no-answer", "busy", "failed", "canceled"], TwilioFaxStatus.All);
        Assert.Equal(["delivered", "received", "no-answer", "busy", "failed", "canceled"], TwilioFaxStatus.All.Where(TwilioFaxStatus.IsFinal));
    }

    [Theory]
    [InlineData(JobState.Submitted, 0, "processing")]
    [InlineData(JobState.Converting, 0, "processing")]
    [InlineData(JobState.Scheduled, 0, "processing")]
    [InlineData(JobState.Sending, 1, "sending")]
    [InlineData(JobState.Scheduled, 1, "sending")]
    [InlineData(JobState.Sent, 1, "delivered")]
    [InlineData(JobState.Cancelled, 0, "canceled")]
    public void Job_states_map_forward_only(JobState state, int attempts, string status)
    {
        Assert.Equal(status, TwilioFaxStatus.ForJob(state, attempts, FailureKind.None));
    }

    [Theory]
    [InlineData(FailureKind.Busy, "busy", 34002)]
    [InlineData(FailureKind.NoAnswer, "no-answer", 34003)]
    [InlineData(FailureKind.ProtocolError, "failed", 34004)]
    [InlineData(FailureKind.NoCarrier, "failed", 34004)]
    [InlineData(FailureKind.PartialPages, "failed", 34004)]
    [InlineData(FailureKind.ConversionFailed, "failed", 11200)]
    public void Failures_map_to_status_and_error_code(FailureKind failure, string status, int code)
    {
        Assert.Equal(status, TwilioFaxStatus.ForJob(JobState.Failed, 1, failure));
        Assert.Equal(code, TwilioFaxStatus.ErrorCodeFor(failure));
    }

    [Theory]
    [InlineData("FX0123456789abcdef0123456789ABCDEF", "FX", true)]
    [InlineData("FX0123456789abcdef0123456789abcde", "FX", false)]
    [InlineData("FX0123456789abcdef0123456789abcdeg", "FX", false)]
    [InlineData("ME0123456789abcdef0123456789abcdef", "FX", false)]
    [InlineData("ME0123456789abcdef0123456789abcdef", "ME", true)]
    [InlineData(null, "FX", false)]
    public void Sid_patterns(string? sid, string prefix, bool valid)
    {
        Assert.Equal(valid, TwilioFax.IsSid(sid, prefix));
    }

    [Fact]
    public void New_sids_match_their_patterns()
    {
        Assert.True(TwilioFax.IsSid(TwilioFax.NewFaxSid(), "FX"));
        Assert.True(TwilioFax.IsSid(TwilioFax.NewMediaSid(), "ME"));
        Assert.True(TwilioFax.IsSid(TwilioFax.NewAccountSid(), "AC"));
        Assert.NotEqual(TwilioFax.NewFaxSid(), TwilioFax.NewFaxSid());
    }
}
