using FaxGateway.Modems.At;

namespace FaxGateway.Modems.Tests.At;

public sealed class AtCommandVerbTests
{
    [Theory]
    [InlineData("ATDT5550101", "D")]
    [InlineData("ATD+15550101", "D")]
    [InlineData("AT+FRH=3", "+FRH")]
    [InlineData("AT+FCLASS=?", "+FCLASS")]
    [InlineData("AT+FMI?", "+FMI")]
    [InlineData("ATZ", "Z")]
    [InlineData("ATA", "A")]
    [InlineData("ATE0V1Q0", "E")]
    [InlineData("AT&K3", "&K3")]
    [InlineData("AT", "AT")]
    public void The_metric_label_is_the_verb_and_never_carries_a_number(string command, string verb) =>
        Assert.Equal(verb, AtChannel.Verb(command));
}
