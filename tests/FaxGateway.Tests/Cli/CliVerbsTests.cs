using FaxGateway.Cli;

namespace FaxGateway.Tests.Cli;

public sealed class CliVerbsTests
{
    [Fact]
    public void Every_verb_is_listed_once()
    {
        var names = CliVerbs.All().Select(c => c.Name).ToArray();

        Assert.Equal(names.Distinct().Count(), names.Length);
        Assert.Superset(
            new HashSet<string> { "run", "status", "trace", "token", "number", "twilio", "send", "receive", "modem", "simulate", "tiff", "doc", "version" },
            names.ToHashSet());
    }
}
