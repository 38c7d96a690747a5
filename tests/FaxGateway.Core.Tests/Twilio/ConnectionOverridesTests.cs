using FaxGateway.Core.Twilio;

namespace FaxGateway.Core.Tests.Twilio;

public sealed class ConnectionOverridesTests
{
    [Fact]
    public void Url_without_fragment_has_twilio_defaults()
    {
        var o = ConnectionOverrides.FromUrl("https://app.example/fax?x=1");
        Assert.Equal(TimeSpan.FromSeconds(5), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), o.ReadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), o.TotalTime);
        Assert.Equal(1, o.RetryCount);
        Assert.Equal(WebhookRetryPolicy.ConnectFailure, o.RetryPolicy);
        Assert.True(o.Sni);
    }

    [Fact]
    public void Fragment_keys_are_read_and_clamped()
    {
        var o = ConnectionOverrides.FromUrl("https://app.example/fax#ct=20000&rt=50&tt=1200&rc=9&rp=4xx,5xx&e=ashburn&sni=n&zz=1");
        Assert.Equal(TimeSpan.FromMilliseconds(10000), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), o.ReadTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), o.TotalTime);
        Assert.Equal(5, o.RetryCount);
        Assert.Equal(WebhookRetryPolicy.ClientError | WebhookRetryPolicy.ServerError, o.RetryPolicy);
        Assert.False(o.Sni);
    }

    [Theory]
    [InlineData("ct=abc")]
    [InlineData("ct")]
    [InlineData("=5")]
    [InlineData("&&")]
    public void Garbage_keeps_the_defaults(string fragment)
    {
        Assert.Equal(ConnectionOverrides.Default, ConnectionOverrides.Parse(fragment));
    }

    [Fact]
    public void Retry_policy_all()
    {
        Assert.Equal(WebhookRetryPolicy.All, ConnectionOverrides.Parse("rp=all").RetryPolicy);
        Assert.Equal(WebhookRetryPolicy.ConnectFailure | WebhookRetryPolicy.ReadTimeout, ConnectionOverrides.Parse("rp=ct,rt").RetryPolicy);
    }
}
