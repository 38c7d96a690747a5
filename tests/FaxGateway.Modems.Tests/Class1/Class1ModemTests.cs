using FaxGateway.Modems.At;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Tests.Scripting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.Class1;

public sealed class Class1ModemTests
{
    // DIS as spandsp sends it, raw line-order bytes (FCF 0x80), final frame.
    private static readonly byte[] Dis = [0xFF, 0x13, 0x80, 0x00, 0xEE, 0xF8, 0x80, 0x80, 0x91, 0x80, 0x80, 0x80, 0x18];
    private static readonly byte[] Csi = [0xFF, 0x03, 0x40, 0x31, 0x32, 0x33, 0x20, 0x20];

    private static ModemProfile Profile => TestProfiles.Class1;

    private static byte[] Answer(string before, byte[] data, string after) =>
        [.. ScriptedModemStream.Bytes(before), .. data, .. ScriptedModemStream.Bytes(after)];

    /// <summary>A frame as the modem delivers it to +FRH: the bytes, the FCS, DLE-doubled, then DLE ETX.</summary>
    private static byte[] Delivered(byte[] frame) => DleStuffing.StuffAndTerminate(Crc16.AppendFcs(frame));

    private static async Task<(Class1Modem Modem, ScriptedModemStream Script)> StartAsync(Action<ScriptedModemStream> rows, ModemProfile? profile = null, FakeTimeProvider? time = null)
    {
        profile ??= Profile;
        var script = new ScriptedModemStream().InitRows(profile, profile.Class1.ClassCommand);
        rows(script);
        var modem = new Class1Modem(TestProfiles.Connect(script, profile, time));
        await modem.InitializeAsync(TestProfiles.Generous);
        return (modem, script);
    }

    [Fact]
    public async Task Initialisation_enters_class_1_and_queries_carriers_when_the_profile_has_none()
    {
        var profile = Profile with { Class1 = new Class1Settings() };
        var script = new ScriptedModemStream().InitRows(profile, "AT+FCLASS=1")
            .Exchange("AT+FTM=?\r", "\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n\r\nOK\r\n")
            .Exchange("AT+FRM=?\r", "\r\n24,48,72,96\r\n\r\nOK\r\n");
        var modem = new Class1Modem(TestProfiles.Connect(script, profile));
        await modem.InitializeAsync(TestProfiles.Generous);
        Assert.Equal(12, modem.TransmitCarriers.Count);
        Assert.Equal([Class1Carrier.V27ter2400, Class1Carrier.V27ter4800, Class1Carrier.V29At7200, Class1Carrier.V29At9600], modem.ReceiveCarriers);
        await script.Completed;
    }

    [Fact]
    public async Task Dial_connects_and_the_first_frame_arrives_by_implicit_hdlc_receive()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange(ScriptedModemStream.Bytes("ATDT5551234\r"), Answer("\r\nCONNECT\r\n", Delivered(Csi), "\r\nOK\r\n"))
            .Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", Delivered(Dis), "\r\nOK\r\n")));
        var call = await modem.DialAsync("5551234", TestProfiles.Generous);
        Assert.True(call.Connected);
        var first = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(HdlcReceiveStatus.Frame, first.Status);
        Assert.Equal(Csi, first.Frame);
        Assert.True(first.FcsOk);
        Assert.False(first.IsFinal);
        var second = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(Dis, second.Frame);
        Assert.True(second.IsFinal);
        Assert.Equal((byte)0x80, second.Fcf);
        await script.Completed;
    }

    [Theory]
    [InlineData("BUSY", CallOutcome.Busy)]
    [InlineData("NO ANSWER", CallOutcome.NoAnswer)]
    [InlineData("NO CARRIER", CallOutcome.NoCarrier)]
    [InlineData("NO DIALTONE", CallOutcome.NoDialtone)]
    [InlineData("ERROR", CallOutcome.Error)]
    public async Task Dial_failures_are_outcomes_not_exceptions(string result, CallOutcome expected)
    {
        var (modem, _) = await StartAsync(s => s.Exchange("ATDT123\r", $"\r\n{result}\r\n"));
        var call = await modem.DialAsync("123", TestProfiles.Generous);
        Assert.Equal(expected, call.Outcome);
        Assert.False(modem.Connection.IsBroken);
    }

    [Fact]
    public async Task A_bad_fcs_is_reported_from_the_modems_error()
    {
        var damaged = Crc16.AppendFcs(Dis);
        damaged[^1] ^= 0xFF;
        var (modem, _) = await StartAsync(s => s.Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", DleStuffing.StuffAndTerminate(damaged), "\r\nERROR\r\n")));
        var frame = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(HdlcReceiveStatus.Frame, frame.Status);
        Assert.False(frame.FcsOk);
        Assert.Equal(Dis, frame.Frame);
    }

    [Fact]
    public async Task A_stray_dle_etx_from_spandsp_after_a_frame_is_dropped_not_taken_for_garbage()
    {
        // spandsp's T.31 (iaxmodem) ends a receive it still thinks open with its own <DLE><ETX> when the carrier
        // drops: seen under load between a frame's end and its OK, and after the OK before the next command.
        var (modem, script) = await StartAsync(s => s
            .Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", [.. Delivered(Dis), Dle.Escape, Dle.Etx], "\r\nOK\r\n\u0010\u0003"))
            .Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", Delivered(Csi), "\r\nOK\r\n")));

        var first = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        var second = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);

        Assert.Equal(Dis, first.Frame);
        Assert.True(first.FcsOk);
        Assert.Equal(Csi, second.Frame);
        Assert.True(second.FcsOk);
        Assert.Equal(0, modem.Connection.BreakCount);
        Assert.Equal(2, modem.Connection.Channel.StrayEndMarkers);
        Assert.Equal(0, modem.Connection.Channel.GarbageLines);
        await script.Completed;
    }

    [Fact]
    public async Task Dle_inside_a_frame_arrives_doubled_and_is_restored()
    {
        byte[] withDle = [0xFF, 0x13, 0x10, 0x10, 0x03];
        var (modem, _) = await StartAsync(s => s.Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", Delivered(withDle), "\r\nOK\r\n")));
        var frame = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(withDle, frame.Frame);
    }

    [Fact]
    public async Task A_modem_with_the_dle_bug_keeps_single_dles_in_frames()
    {
        var profile = Profile with { Class1 = Profile.Class1 with { DleBug = true, FramesIncludeFcs = false } };
        byte[] raw = [0xFF, 0x13, 0x10, 0x41, 0x10, 0x03];
        var (modem, _) = await StartAsync(s => s.Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", raw, "\r\nOK\r\n")), profile);
        var frame = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(new byte[] { 0xFF, 0x13, 0x10, 0x41 }, frame.Frame);
    }

    [Theory]
    [InlineData("+FCERROR", HdlcReceiveStatus.CarrierMismatch)]
    [InlineData("NO CARRIER", HdlcReceiveStatus.NoCarrier)]
    [InlineData("ERROR", HdlcReceiveStatus.Error)]
    public async Task Frame_receive_results_without_a_frame(string result, HdlcReceiveStatus expected)
    {
        var (modem, _) = await StartAsync(s => s.Exchange("AT+FRH=3\r", $"\r\n{result}\r\n"));
        var frame = await modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        Assert.Equal(expected, frame.Status);
        Assert.Empty(frame.Frame);
    }

    [Fact]
    public async Task A_frame_timeout_aborts_the_receive_and_the_modem_says_ok()
    {
        var time = new FakeTimeProvider();
        var (modem, script) = await StartAsync(s => s.Expect("AT+FRH=3\r").Exchange("\u0018", "\r\nOK\r\n").Exchange("AT+FTS=7\r", "\r\nOK\r\n"), time: time);
        var pending = modem.ReceiveFrameAsync(TimeSpan.FromSeconds(3), TestProfiles.Generous);
        await AtChannelTestsWait(() => script.RowsLeft == 2);
        time.Advance(TimeSpan.FromSeconds(3.1));
        var result = await pending;
        Assert.Equal(HdlcReceiveStatus.Timeout, result.Status);
        Assert.False(modem.Connection.IsBroken);
        await modem.SendSilenceAsync(TimeSpan.FromMilliseconds(70), TestProfiles.Generous);
        await script.Completed;
    }

    [Fact]
    public async Task Answer_then_frames_go_out_by_implicit_hdlc_transmit()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange("ATA\r", "\r\nCONNECT\r\n")
            .Exchange(DleStuffing.StuffAndTerminate(Csi), ScriptedModemStream.Bytes("\r\nCONNECT\r\n"))
            .Exchange(DleStuffing.StuffAndTerminate(Dis), ScriptedModemStream.Bytes("\r\nOK\r\n")));
        var call = await modem.AnswerAsync(TestProfiles.Generous);
        Assert.True(call.Connected);
        await modem.SendFramesAsync([Csi, Dis], TestProfiles.Generous);
        await script.Completed;
    }

    [Fact]
    public async Task Frames_are_sent_with_fth_and_dle_is_doubled()
    {
        byte[] dcs = [0xFF, 0x13, 0x83, 0x00, 0x10, 0x10];
        var (modem, script) = await StartAsync(s => s
            .Exchange("AT+FTH=3\r", "\r\nCONNECT\r\n")
            .Exchange([0xFF, 0x13, 0x83, 0x00, 0x10, 0x10, 0x10, 0x10, 0x10, 0x03], ScriptedModemStream.Bytes("\r\nOK\r\n")));
        await modem.SendFramesAsync([dcs], TestProfiles.Generous);
        await script.Completed;
    }

    [Fact]
    public async Task Frames_must_be_marked_final_only_at_the_end()
    {
        var (modem, _) = await StartAsync(_ => { });
        await Assert.ThrowsAsync<ArgumentException>(() => modem.SendFramesAsync([Dis, Dis], TestProfiles.Generous));
        await Assert.ThrowsAsync<ArgumentException>(() => modem.SendFramesAsync([Csi], TestProfiles.Generous));
        await Assert.ThrowsAsync<ArgumentException>(() => modem.SendFramesAsync([new byte[] { 0xFF }], TestProfiles.Generous));
    }

    public static TheoryData<Class1Carrier> AllCarriers()
    {
        var data = new TheoryData<Class1Carrier>();
        foreach (var carrier in Class1Carriers.All)
        {
            data.Add(carrier);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCarriers))]
    public async Task Image_data_goes_out_on_every_modulation_code(Class1Carrier carrier)
    {
        // MSB-first T.4 data 0x80 0x01 0x08 becomes line order 0x01 0x80 0x10 (DLE, doubled).
        var code = (int)carrier;
        var (modem, script) = await StartAsync(s => s
            .Exchange($"AT+FTM={code}\r", "\r\nCONNECT\r\n")
            .Expect([0x01, 0x80, 0x10, 0x10])
            .Exchange([0x10, 0x03], ScriptedModemStream.Bytes("\r\nOK\r\n")));
        await using (var transmitter = await modem.StartImageTransmitAsync(carrier, msbFirstData: true, TestProfiles.Generous))
        {
            await transmitter.WriteAsync(new byte[] { 0x80, 0x01, 0x08 }, TestProfiles.Generous);
            await transmitter.CompleteAsync(TestProfiles.Generous);
            Assert.Equal(3, transmitter.BytesWritten);
        }

        await script.Completed;
    }

    [Fact]
    public async Task Image_data_is_received_until_the_carrier_drops()
    {
        byte[] line = [0x00, 0x10, 0x01, 0x80];
        var (modem, script) = await StartAsync(s => s
            .Exchange(ScriptedModemStream.Bytes("AT+FRM=96\r"), Answer("\r\nCONNECT\r\n", DleStuffing.StuffAndTerminate(line), "\r\nNO CARRIER\r\n")));
        var (status, receiver) = await modem.StartImageReceiveAsync(Class1Carrier.V29At9600, msbFirstData: true, null, TestProfiles.Generous);
        Assert.Equal(ImageReceiveStatus.Connected, status);
        await using (receiver!)
        {
            var data = await receiver!.ReadToEndAsync(TestProfiles.Generous);
            Assert.Equal(new byte[] { 0x00, 0x08, 0x80, 0x01 }, data);
            Assert.Equal(AtResultCode.NoCarrier, receiver.EndResult);
        }

        await script.Completed;
    }

    [Fact]
    public async Task Fcerror_on_frm_is_retried_as_the_profile_says()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange("AT+FRM=146\r", "\r\n+FCERROR\r\n")
            .Exchange("AT+FRM=146\r", "\r\n+FCERROR\r\n")
            .Exchange(ScriptedModemStream.Bytes("AT+FRM=146\r"), Answer("\r\nCONNECT\r\n", [0x42, 0x10, 0x03], "\r\nNO CARRIER\r\n")));
        var (status, receiver) = await modem.StartImageReceiveAsync(Class1Carrier.V17At14400Short, msbFirstData: false, null, TestProfiles.Generous);
        Assert.Equal(ImageReceiveStatus.Connected, status);
        Assert.Equal(new byte[] { 0x42 }, await receiver!.ReadToEndAsync(TestProfiles.Generous));
        await script.Completed;
    }

    [Fact]
    public async Task Persistent_fcerror_is_a_carrier_mismatch()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange("AT+FRM=96\r", "\r\n+FCERROR\r\n")
            .Exchange("AT+FRM=96\r", "\r\n+FCERROR\r\n")
            .Exchange("AT+FRM=96\r", "\r\n+FCERROR\r\n"));
        var (status, receiver) = await modem.StartImageReceiveAsync(Class1Carrier.V29At9600, msbFirstData: true, null, TestProfiles.Generous);
        Assert.Equal(ImageReceiveStatus.CarrierMismatch, status);
        Assert.Null(receiver);
        await script.Completed;
    }

    [Fact]
    public async Task Adaptive_reception_reports_hdlc_instead()
    {
        var profile = Profile with { Class1 = Profile.Class1 with { AdaptiveReception = true } };
        var script = new ScriptedModemStream().InitRows(profile, "AT+FCLASS=1", "AT+FAR=1").Exchange("AT+FRM=96\r", "\r\n+FRH:3\r\n");
        var modem = new Class1Modem(TestProfiles.Connect(script, profile));
        await modem.InitializeAsync(TestProfiles.Generous);
        var (status, _) = await modem.StartImageReceiveAsync(Class1Carrier.V29At9600, msbFirstData: true, null, TestProfiles.Generous);
        Assert.Equal(ImageReceiveStatus.HdlcInstead, status);
    }

    [Fact]
    public async Task Disposing_an_unfinished_receive_aborts_it()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange("AT+FRM=96\r", "\r\nCONNECT\r\n\u0001\u0002")
            .Exchange("\u0018", "\u0003\u0010\u0003\r\nOK\r\n")
            .Exchange("AT+FRS=7\r", "\r\nOK\r\n"));
        var (_, receiver) = await modem.StartImageReceiveAsync(Class1Carrier.V29At9600, msbFirstData: false, null, TestProfiles.Generous);
        var first = await receiver!.ReadAsync(TestProfiles.Generous);
        Assert.Equal(new byte[] { 0x01, 0x02 }, first.ToArray());
        await receiver.DisposeAsync();
        await modem.TurnaroundAsync(TestProfiles.Generous);
        await script.Completed;
    }

    [Fact]
    public async Task Silence_commands_round_to_tens_of_milliseconds()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange("AT+FTS=8\r", "\r\nOK\r\n")
            .Exchange("AT+FRS=20\r", "\r\nOK\r\n")
            .Exchange("AT+FTS=7\r", "\r\nOK\r\n")
            .Exchange("AT+FTS=9\r", "\r\nOK\r\n"));
        await modem.SendSilenceAsync(TimeSpan.FromMilliseconds(80), TestProfiles.Generous);
        await modem.WaitForSilenceAsync(TimeSpan.FromMilliseconds(200), TestProfiles.Generous);
        await modem.BeforeTcfAsync(TestProfiles.Generous);
        await modem.BeforePostPageMessageAsync(endOfProcedure: true, TestProfiles.Generous);
        await script.Completed;
    }

    [Fact]
    public async Task Turnaround_without_a_switching_command_waits_the_profile_delay()
    {
        var time = new FakeTimeProvider();
        var profile = Profile with { Class1 = Profile.Class1 with { SwitchingCommand = string.Empty, TurnaroundMs = 75 } };
        var (modem, _) = await StartAsync(_ => { }, profile, time);
        var wait = modem.TurnaroundAsync(TestProfiles.Generous);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(74));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Tm_connect_delay_holds_data_until_training_is_over()
    {
        var time = new FakeTimeProvider();
        var profile = Profile with { Class1 = Profile.Class1 with { TmConnectDelayMs = 400 } };
        var (modem, _) = await StartAsync(s => s.Exchange("AT+FTM=146\r", "\r\nCONNECT\r\n"), profile, time);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        modem.Connection.Channel.CommandCompleted += (_, _) => connected.TrySetResult();

        var start = modem.StartImageTransmitAsync(Class1Carrier.V17At14400Short, false, TestProfiles.Generous);
        // Fake time moves only once CONNECT is in: moved earlier, it would run out the command's own timeout on a
        // machine too busy to read the script's answer in time.
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var connectedAt = time.GetUtcNow();
        var transmitter = await time.RunAsync(start, TimeSpan.FromMilliseconds(10));

        Assert.True(time.GetUtcNow() - connectedAt >= TimeSpan.FromMilliseconds(400), "data may not go before the delay is over");
        Assert.Equal(Class1Carrier.V17At14400Short, transmitter.Carrier);
    }

    [Fact]
    public async Task Garbage_inside_a_frame_breaks_the_line_and_reinitialises_the_modem()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange(ScriptedModemStream.Bytes("AT+FRH=3\r"), Answer("\r\nCONNECT\r\n", [0xFF, 0x10, 0x77], string.Empty))
            .BreakRows(Profile, "AT+FCLASS=1"));
        var ex = await Assert.ThrowsAsync<ModemException>(() => modem.ReceiveFrameAsync(null, TestProfiles.Generous));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
        Assert.False(modem.Connection.IsBroken);
        Assert.Equal(1, modem.Connection.BreakCount);
        await script.Completed;
    }

    [Fact]
    public async Task Unexpected_no_carrier_while_sending_frames_breaks_the_line()
    {
        var (modem, script) = await StartAsync(s => s
            .Exchange("AT+FTH=3\r", "\r\nNO CARRIER\r\n")
            .BreakRows(Profile, "AT+FCLASS=1"));
        var ex = await Assert.ThrowsAsync<ModemException>(() => modem.SendFramesAsync([Dis], TestProfiles.Generous));
        Assert.Equal(ModemFailure.NoCarrier, ex.Failure);
        await script.Completed;
    }

    [Fact]
    public async Task A_modem_that_stops_answering_is_reported_dead_and_nothing_hangs()
    {
        var time = new FakeTimeProvider();
        var (modem, _) = await StartAsync(s => s.Expect("AT+FTS=7\r"), time: time);
        var ex = await time.RunAsync(Assert.ThrowsAsync<ModemException>(() => modem.SendSilenceAsync(TimeSpan.FromMilliseconds(70), TestProfiles.Generous)), TimeSpan.FromMilliseconds(500));
        Assert.Equal(ModemFailure.ModemDead, ex.Failure);
        Assert.True(modem.Connection.IsBroken);
        var again = await Assert.ThrowsAsync<ModemException>(() => modem.SendSilenceAsync(TimeSpan.FromMilliseconds(70), TestProfiles.Generous));
        Assert.Equal(ModemFailure.ModemDead, again.Failure);
    }

    [Fact]
    public async Task A_vanished_port_surfaces_as_port_closed()
    {
        var (modem, script) = await StartAsync(s => s.Expect("AT+FRH=3\r"));
        var pending = modem.ReceiveFrameAsync(null, TestProfiles.Generous);
        await script.Completed;
        script.Unplug();
        var ex = await Assert.ThrowsAsync<ModemException>(() => pending);
        Assert.Equal(ModemFailure.PortClosed, ex.Failure);
        Assert.True(modem.Connection.IsDead);
    }

    private static Task AtChannelTestsWait(Func<bool> condition) => At.AtChannelTests.WaitUntil(condition);
}
