using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Tests;

public sealed class AtInterpreterTests : IAsyncLifetime
{
    private readonly VirtualPstn _pstn = new(new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20) });
    private DtePort _port = null!;

    public Task InitializeAsync()
    {
        _port = new DtePort(_pstn.AddModem().OpenPort());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _port.DisposeAsync();
        await _pstn.DisposeAsync();
    }

    [Fact]
    public async Task Echo_is_on_at_power_on_and_ATE0_turns_it_off()
    {
        await _port.SendAsync("AT\r");
        Assert.Equal("AT\r", await _port.ExpectAsync("\r\nOK\r\n"));
        await _port.SendAsync("ATE0\r");
        await _port.ExpectAsync("\r\nOK\r\n");
        await _port.SendAsync("AT\r");
        Assert.Equal(string.Empty, await _port.ExpectAsync("\r\nOK\r\n"));
    }

    [Fact]
    public async Task Class_and_modulation_queries_answer_like_spandsp()
    {
        await _port.CommandAsync("ATE0");
        Assert.Equal("\r\n0,1,1.0\r\n", await _port.CommandAsync("AT+FCLASS=?"));
        Assert.Equal("\r\n0\r\n", await _port.CommandAsync("AT+FCLASS?"));
        Assert.Equal("\r\nERROR\r\n", "\r\n" + await _port.CommandAsync("AT+FTM=?", "ERROR") + "ERROR\r\n");
        await _port.CommandAsync("AT+FCLASS=1");
        Assert.Equal("\r\n1\r\n", await _port.CommandAsync("AT+FCLASS?"));
        Assert.Equal("\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n", await _port.CommandAsync("AT+FTM=?"));
        Assert.Equal("\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n", await _port.CommandAsync("AT+FRM=?"));
        Assert.Equal("\r\n3\r\n", await _port.CommandAsync("AT+FTH=?"));
        Assert.Equal("\r\n3\r\n", await _port.CommandAsync("AT+FRH=?"));
        Assert.Equal("\r\n0,1\r\n", await _port.CommandAsync("AT+FAR=?"));
        Assert.Equal("\r\n(0,1)\r\n", await _port.CommandAsync("AT+FDD=?"));
        await _port.CommandAsync("AT+FCLASS=1.0");
        Assert.Equal("\r\n1.0\r\n", await _port.CommandAsync("AT+FCLASS?"));
        await _port.CommandAsync("AT+FCLASS=2.0", "ERROR");
        await _port.CommandAsync("AT+FTH=24", "ERROR");
        await _port.CommandAsync("AT+FTM=95", "ERROR");
    }

    [Fact]
    public async Task Identification_registers_and_compound_lines()
    {
        await _port.CommandAsync("ATE0");
        Assert.Equal("\r\nFaxGateway virtual Class 1 modem\r\n", await _port.CommandAsync("ATI"));
        Assert.Equal("\r\nFaxGateway\r\n", await _port.CommandAsync("ATI3"));
        Assert.Equal("\r\nFaxGateway\r\n", await _port.CommandAsync("AT+FMI?"));
        Assert.Equal("\r\n1.0\r\n", await _port.CommandAsync("AT+FMR?"));
        await _port.CommandAsync("ATS0=2 S7=30 &K3 M0 L0");
        Assert.Equal("\r\n002\r\n", await _port.CommandAsync("ATS0?"));
        Assert.Equal("\r\n030\r\n", await _port.CommandAsync("ATS7?"));
        await _port.CommandAsync("ATS0=300", "ERROR");
        await _port.CommandAsync("ATJ", "ERROR");
        await _port.CommandAsync("AT+FCLASS=1;+FAR=1");
        Assert.Equal("\r\n1\r\n", await _port.CommandAsync("AT+FAR?"));
        await _port.CommandAsync("ATZ");
        Assert.Equal("ATE0\r", await _port.CommandAsync("ATE0"));
        Assert.Equal("\r\n0\r\n", await _port.CommandAsync("AT+FCLASS?"));
    }

    [Fact]
    public async Task Numeric_and_quiet_result_codes()
    {
        await _port.CommandAsync("ATE0");
        await _port.SendAsync("ATV0\r");
        await _port.ExpectAsync("0\r");
        await _port.SendAsync("ATJ\r");
        await _port.ExpectAsync("4\r");
        await _port.SendAsync("ATQ1\r");
        await _port.SendAsync("ATQ0V1\r");
        Assert.Equal(string.Empty, await _port.ExpectAsync("\r\nOK\r\n"));
    }

    [Fact]
    public async Task Lines_without_AT_are_ignored_and_A_slash_repeats()
    {
        await _port.CommandAsync("ATE0");
        await _port.SendAsync("hello\r");
        Assert.Equal("\r\nFaxGateway\r\n", await _port.CommandAsync("ATI3"));
        await _port.SendAsync("A/");
        Assert.Equal("\r\nFaxGateway\r\n", await _port.ExpectAsync("\r\nOK\r\n"));
    }

    [Fact]
    public async Task Class1_commands_without_a_call_give_ERROR()
    {
        await _port.CommandAsync("ATE0");
        await _port.CommandAsync("AT+FCLASS=1");
        await _port.CommandAsync("AT+FTH=3", "ERROR");
        await _port.CommandAsync("AT+FRM=96", "ERROR");
        await _port.CommandAsync("ATA", "ERROR");
    }
}
