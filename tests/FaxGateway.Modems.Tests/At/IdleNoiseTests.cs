using FaxGateway.Modems.At;
using FaxGateway.Modems.Tests.Scripting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.At;

public sealed class IdleNoiseTests
{
    [Fact]
    public async Task Noise_while_idle_is_bounded_and_the_next_command_still_works()
    {
        var script = new ScriptedModemStream()
            .Send(string.Concat(Enumerable.Repeat("\r\nnoise \u0001\u00FF\r\n\r\nline\r\n", 5000)) + "\r\nRING\r\n")
            .Exchange("AT\r", "\r\nOK\r\n");
        await using var channel = new AtChannel(script.Start(), "noisy", null, new FakeTimeProvider());
        Assert.Equal(UnsolicitedKind.Ring, (await channel.Unsolicited.ReadAsync(TestProfiles.Generous)).Kind);
        Assert.True(channel.StaleLines >= 9000);
        Assert.True((await channel.ExecuteAsync("AT", null, TestProfiles.Generous)).IsOk);
        Assert.True(channel.GarbageLines >= 5000);
    }
}
