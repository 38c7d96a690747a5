using FaxGateway.Modems.At;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Tests.Scripting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.At;

public sealed class AtChannelTests
{
    private static AtChannel Open(ScriptedModemStream script, TimeProvider? time = null, AtChannelOptions? options = null) =>
        new(script.Start(), "script", options, time ?? new FakeTimeProvider());

    [Fact]
    public async Task Information_lines_and_the_final_result_are_separated()
    {
        var script = new ScriptedModemStream().Exchange("AT+FCLASS=?\r", "\r\n0,1,1.0\r\n\r\nOK\r\n");
        await using var channel = Open(script);
        var response = await channel.ExecuteAsync("AT+FCLASS=?", null, TestProfiles.Generous);
        Assert.Equal(AtResultCode.Ok, response.Result);
        Assert.Equal(["0,1,1.0"], response.Lines);
        await script.Completed;
    }

    [Fact]
    public async Task The_echo_of_the_command_is_dropped()
    {
        var script = new ScriptedModemStream().Exchange("ATI\r", "ATI\r\r\nspandsp\r\n\r\nOK\r\n");
        await using var channel = Open(script);
        var response = await channel.ExecuteAsync("ATI", null, TestProfiles.Generous);
        Assert.Equal(["spandsp"], response.Lines);
    }

    [Fact]
    public async Task Numeric_result_codes_are_read_after_ATV0_and_verbose_after_ATV1()
    {
        var script = new ScriptedModemStream()
            .Exchange("ATV0\r", "0\r")
            .Exchange("ATDT5551234\r", "7\r")
            .Exchange("AT+FTH=?\r", "3\r\n0\r")
            .Exchange("ATV1\r", "\r\nOK\r\n")
            .Exchange("AT+FTH=?\r", "\r\n3\r\n\r\nOK\r\n");
        await using var channel = Open(script);
        Assert.Equal(AtResultCode.Ok, (await channel.ExecuteAsync("ATV0", null, TestProfiles.Generous)).Result);
        Assert.Equal(AtResultCode.Busy, (await channel.ExecuteAsync("ATDT5551234", null, TestProfiles.Generous)).Result);
        var query = await channel.ExecuteAsync("AT+FTH=?", null, TestProfiles.Generous);
        Assert.Equal(AtResultCode.Ok, query.Result);
        Assert.Equal(["3"], query.Lines);
        Assert.Equal(AtResultCode.Ok, (await channel.ExecuteAsync("ATV1", null, TestProfiles.Generous)).Result);
        Assert.Equal(["3"], (await channel.ExecuteAsync("AT+FTH=?", null, TestProfiles.Generous)).Lines);
    }

    [Theory]
    [InlineData("NO CARRIER", AtResultCode.NoCarrier)]
    [InlineData("ERROR", AtResultCode.Error)]
    [InlineData("NO DIALTONE", AtResultCode.NoDialtone)]
    [InlineData("NO DIAL TONE", AtResultCode.NoDialtone)]
    [InlineData("BUSY", AtResultCode.Busy)]
    [InlineData("NO ANSWER", AtResultCode.NoAnswer)]
    [InlineData("+FCERROR", AtResultCode.FcError)]
    [InlineData("+FRH:3", AtResultCode.AdaptiveHdlc)]
    [InlineData("CONNECT 14400", AtResultCode.Connect)]
    [InlineData("DELAYED", AtResultCode.DialBarred)]
    public async Task Every_verbose_result_code_is_recognised(string text, AtResultCode expected)
    {
        var script = new ScriptedModemStream().Exchange("ATX\r", $"\r\n{text}\r\n");
        await using var channel = Open(script);
        var response = await channel.ExecuteAsync("ATX", null, TestProfiles.Generous);
        Assert.Equal(expected, response.Result);
        Assert.Equal(text, response.ResultText);
    }

    [Fact]
    public async Task Ring_and_caller_id_go_to_the_unsolicited_channel()
    {
        var script = new ScriptedModemStream()
            .Send("\r\nRING\r\n\r\nDATE = 0321\r\nTIME=1405\r\nNMBR=5551234\r\nNAME=ACME FAX\r\nNDID=200\r\n\r\nRING\r\n");
        await using var channel = Open(script);
        var lines = new List<UnsolicitedLine>();
        for (var i = 0; i < 7; i++)
        {
            lines.Add(await channel.Unsolicited.ReadAsync(TestProfiles.Generous));
        }

        Assert.Equal(
            [UnsolicitedKind.Ring, UnsolicitedKind.Date, UnsolicitedKind.Time, UnsolicitedKind.CallerNumber, UnsolicitedKind.CallerName, UnsolicitedKind.CalledNumber, UnsolicitedKind.Ring],
            lines.Select(l => l.Kind));
        var callerId = lines.Aggregate(CallerId.None, (id, line) => id.With(line));
        Assert.Equal(new CallerId("5551234", "ACME FAX", "0321", "1405", "200"), callerId);
    }

    [Fact]
    public async Task A_ring_during_a_command_does_not_disturb_its_response()
    {
        var script = new ScriptedModemStream().Exchange("AT\r", "\r\nRING\r\n\r\nOK\r\n");
        await using var channel = Open(script);
        var response = await channel.ExecuteAsync("AT", null, TestProfiles.Generous);
        Assert.Empty(response.Lines);
        Assert.Equal(UnsolicitedKind.Ring, (await channel.Unsolicited.ReadAsync(TestProfiles.Generous)).Kind);
    }

    [Fact]
    public async Task Only_one_command_is_in_flight()
    {
        var script = new ScriptedModemStream().Expect("AT1\r").Exchange("AT2\r", "\r\nOK\r\n");
        await using var channel = Open(script);
        var first = channel.ExecuteAsync("AT1", null, TestProfiles.Generous);
        var second = channel.ExecuteAsync("AT2", null, TestProfiles.Generous);
        await WaitUntil(() => script.RowsLeft == 1);
        // The second command is still waiting for the channel: the script would have failed on an early "AT2".
        Assert.False(second.IsCompleted);
        Assert.Null(script.Failure);
        script.Inject("\r\nOK\r\n");
        Assert.True((await first).IsOk);
        Assert.True((await second).IsOk);
        await script.Completed;
    }

    [Fact]
    public async Task A_silent_modem_times_out_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        var script = new ScriptedModemStream().Expect("AT\r");
        await using var channel = Open(script, time);
        var pending = channel.ExecuteAsync("AT", TimeSpan.FromSeconds(3), TestProfiles.Generous);
        await script.Completed;
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1.5));
        var ex = await Assert.ThrowsAsync<ModemException>(() => pending);
        Assert.Equal(ModemFailure.Timeout, ex.Failure);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        var script = new ScriptedModemStream().Expect("AT\r");
        await using var channel = Open(script);
        using var cts = new CancellationTokenSource();
        var pending = channel.ExecuteAsync("AT", TimeSpan.FromSeconds(3), cts.Token);
        await script.Completed;
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task Binary_garbage_is_a_clear_error_and_the_next_command_works()
    {
        var script = new ScriptedModemStream()
            .Exchange("AT\r", "\r\n\u0001\u00FE\u00FFx\u0007junk\r\n")
            .Exchange("AT\r", "\r\nOK\r\n");
        await using var channel = Open(script);
        var ex = await Assert.ThrowsAsync<ModemException>(() => channel.ExecuteAsync("AT", null, TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
        Assert.Contains("garbage", ex.Message, StringComparison.Ordinal);
        Assert.Contains(@"\x01\xFE\xFFx\x07junk", ex.Message, StringComparison.Ordinal);
        Assert.True((await channel.ExecuteAsync("AT", null, TestProfiles.Generous)).IsOk);
        Assert.Equal(1, channel.GarbageLines);
    }

    [Fact]
    public async Task A_dle_that_ends_nothing_is_garbage_but_a_stray_dle_etx_is_dropped()
    {
        var script = new ScriptedModemStream()
            .Exchange("AT\r", "\u0010\u0003\r\nOK\r\n")
            .Exchange("AT\r", "\r\n\u0010A\r\n")
            .Exchange("AT\r", "\r\nOK\r\n");
        await using var channel = Open(script);
        Assert.True((await channel.ExecuteAsync("AT", null, TestProfiles.Generous)).IsOk);
        Assert.Equal(1, channel.StrayEndMarkers);
        var ex = await Assert.ThrowsAsync<ModemException>(() => channel.ExecuteAsync("AT", null, TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
        Assert.Contains(@"\x10A", ex.Message, StringComparison.Ordinal);
        Assert.True((await channel.ExecuteAsync("AT", null, TestProfiles.Generous)).IsOk);
    }

    [Fact]
    public async Task An_endless_line_is_garbage_not_a_hang()
    {
        var script = new ScriptedModemStream().Exchange("AT\r", new string('A', 5000));
        await using var channel = Open(script);
        var ex = await Assert.ThrowsAsync<ModemException>(() => channel.ExecuteAsync("AT", null, TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
    }

    [Fact]
    public async Task Too_many_lines_without_a_result_is_garbage()
    {
        var script = new ScriptedModemStream().Exchange("AT\r", string.Concat(Enumerable.Repeat("\r\nhello\r\n", 100)));
        await using var channel = Open(script);
        var ex = await Assert.ThrowsAsync<ModemException>(() => channel.ExecuteAsync("AT", null, TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
    }

    [Fact]
    public async Task Data_after_connect_is_unstuffed_until_dle_etx_then_lines_resume()
    {
        byte[] data = [0x00, 0x10, 0x10, 0x55, 0x10, 0x1A, 0xAA, 0x0D, 0x0A];
        var answer = ScriptedModemStream.Bytes("\r\nCONNECT\r\n").Concat(data).Concat(new byte[] { 0x10, 0x03 }).Concat(ScriptedModemStream.Bytes("\r\nNO CARRIER\r\n")).ToArray();
        var script = new ScriptedModemStream().Exchange(ScriptedModemStream.Bytes("AT+FRM=96\r"), answer);
        await using var channel = Open(script);
        await using var lease = await channel.AcquireAsync(TimeSpan.FromSeconds(1), TestProfiles.Generous);
        var connect = await lease.CommandAsync("AT+FRM=96", AtCommandKind.ReceiveData, TimeSpan.FromSeconds(5), TestProfiles.Generous);
        Assert.Equal(AtResultCode.Connect, connect.Result);
        var (received, end) = await lease.ReadAllDataAsync(TimeSpan.FromSeconds(5), 1000, TestProfiles.Generous);
        Assert.Equal(DleEvent.EndOfData, end);
        Assert.Equal(new byte[] { 0x00, 0x10, 0x55, 0x10, 0x10, 0xAA, 0x0D, 0x0A }, received);
        Assert.Equal(AtResultCode.NoCarrier, (await lease.ReadResultAsync("end", TimeSpan.FromSeconds(5), TestProfiles.Generous)).Result);
        Assert.False(channel.InDataMode);
    }

    [Fact]
    public async Task Numeric_connect_ends_at_its_bare_carriage_return()
    {
        var answer = ScriptedModemStream.Bytes("1\r").Concat(new byte[] { 0x0D, 0x41, 0x10, 0x03 }).Concat(ScriptedModemStream.Bytes("3\r")).ToArray();
        var script = new ScriptedModemStream().Exchange("ATV0\r", "0\r").Exchange(ScriptedModemStream.Bytes("AT+FRM=24\r"), answer);
        await using var channel = Open(script);
        await channel.ExecuteAsync("ATV0", null, TestProfiles.Generous);
        await using var lease = await channel.AcquireAsync(TimeSpan.FromSeconds(1), TestProfiles.Generous);
        await lease.CommandAsync("AT+FRM=24", AtCommandKind.ReceiveData, TimeSpan.FromSeconds(5), TestProfiles.Generous);
        var (received, _) = await lease.ReadAllDataAsync(TimeSpan.FromSeconds(5), 1000, TestProfiles.Generous);
        Assert.Equal(new byte[] { 0x0D, 0x41 }, received);
        Assert.Equal(AtResultCode.NoCarrier, (await lease.ReadResultAsync("end", TimeSpan.FromSeconds(5), TestProfiles.Generous)).Result);
    }

    [Fact]
    public async Task Large_data_flows_through_a_tiny_buffer_with_backpressure()
    {
        var random = new Random(5);
        var data = new byte[200_000];
        random.NextBytes(data);
        var script = new ScriptedModemStream().Exchange("AT+FRM=146\r", "\r\nCONNECT\r\n");
        // Many small writes from the "modem", so the read loop must wait for the consumer many times.
        var stuffed = DleStuffing.StuffAndTerminate(data);
        for (var i = 0; i < stuffed.Length; i += 997)
        {
            script.Send(stuffed.AsSpan(i, Math.Min(997, stuffed.Length - i)).ToArray());
        }

        script.Send("\r\nNO CARRIER\r\n");
        await using var channel = Open(script, options: new AtChannelOptions { DataBufferChunks = 2, ReadBufferSize = 256 });
        await using var lease = await channel.AcquireAsync(TimeSpan.FromSeconds(1), TestProfiles.Generous);
        await lease.CommandAsync("AT+FRM=146", AtCommandKind.ReceiveData, TimeSpan.FromSeconds(5), TestProfiles.Generous);
        var (received, _) = await lease.ReadAllDataAsync(TimeSpan.FromSeconds(5), 1_000_000, TestProfiles.Generous);
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task A_vanished_port_fails_the_waiting_command_with_port_closed()
    {
        var script = new ScriptedModemStream().Expect("AT\r");
        await using var channel = Open(script);
        var pending = channel.ExecuteAsync("AT", TimeSpan.FromSeconds(3), TestProfiles.Generous);
        await script.Completed;
        script.Unplug();
        var ex = await Assert.ThrowsAsync<ModemException>(() => pending);
        Assert.Equal(ModemFailure.PortClosed, ex.Failure);
        var again = await Assert.ThrowsAsync<ModemException>(() => channel.ExecuteAsync("AT", TimeSpan.FromSeconds(3), TestProfiles.Generous));
        Assert.Equal(ModemFailure.PortClosed, again.Failure);
    }

    [Fact]
    public async Task A_stale_result_before_a_command_is_discarded()
    {
        var script = new ScriptedModemStream().Send("\r\nOK\r\n\r\nRING\r\n").Exchange("ATI\r", "\r\nmodel\r\n\r\nOK\r\n");
        await using var channel = Open(script);
        await channel.Unsolicited.ReadAsync(TestProfiles.Generous);
        var response = await channel.ExecuteAsync("ATI", null, TestProfiles.Generous);
        Assert.Equal(["model"], response.Lines);
        Assert.Equal(1, channel.StaleLines);
    }

    [Fact]
    public async Task Xon_from_the_modem_is_seen()
    {
        var script = new ScriptedModemStream().Exchange("AT+FDT\r", "\r\nCONNECT\r\n\u0011");
        await using var channel = Open(script);
        await using var lease = await channel.AcquireAsync(TimeSpan.FromSeconds(1), TestProfiles.Generous);
        await lease.CommandAsync("AT+FDT", AtCommandKind.TransmitData, TimeSpan.FromSeconds(5), TestProfiles.Generous);
        await lease.WaitForXonAsync(TimeSpan.FromSeconds(5), TestProfiles.Generous);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            cts.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
