using FaxGateway.Modems.At;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Probing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Tests.Scripting;
using FaxGateway.Modems.Transport;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>The Class 1 driver against iaxmodem, a real spandsp software modem, on both ends of a loopback IAX2 line.</summary>
public sealed class IaxModemTests
{
    // Raw frames as a Class 1 modem carries them (spandsp convention): CSI, DIS, DCS (V.29 9600).
    // A CSI with a short information field (raw bytes as the modem carries them): keeps the V.21 frame quick.
    private static readonly byte[] Csi = [0xFF, 0x03, 0x40, .. "+1 5550101   "u8];
    private static readonly byte[] Dis = [0xFF, 0x13, 0x80, 0x00, 0xCE, 0xF4, 0x80, 0x80, 0x81, 0x80, 0x80, 0x80, 0x18];
    private static readonly byte[] Dcs = [0xFF, 0x13, 0x83, 0x00, 0x46, 0x70];

    private static ModemProfile Iax => ModemProfileCatalog.Load(null).Get("iaxmodem") with { ResetDelayMs = 0 };

    [Fact]
    public async Task Probe_dial_answer_and_hdlc_and_tcf_exchange_between_two_iaxmodems()
    {
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = overall.Token;
        await using var line = await IaxModemPair.StartAsync();

        // Probe one end through System.IO.Ports, as `faxgw modem probe` does.
        await using (var probeTransport = SerialModemTransport.Open(line.Device(0), 115200, FlowControl.None))
        await using (var probeChannel = new AtChannel(probeTransport.Stream, probeTransport.Name))
        {
            var identity = await ModemProber.ProbeAsync(probeChannel, TimeSpan.FromSeconds(3), ct);
            Assert.Equal("spandsp", identity.Ati);
            Assert.Contains(FaxClass.Class10, identity.Classes);
            Assert.Equal(Class1Carriers.All, identity.TransmitCarriers);
            Assert.Equal("iaxmodem", ModemProfileCatalog.Load(null).Match(identity)?.Name);
        }

        // The caller's side is recorded; FGW_CAPTURE_TRANSCRIPTS=1 saves it to hardware/transcripts (replayed by IaxModemTranscriptTests).
        var recorder = new RecordingTransport(SerialModemTransport.Open(line.Device(0), 115200, FlowControl.None), "Real Class 1 call from our driver through iaxmodem 1.2.0 to a second iaxmodem (caller side): dial, CSI+DIS, DCS, V.29 TCF, hangup. \"> \" = DTE to modem, \"< \" = modem to DTE.");
        await using var callerConnection = new ModemConnection(recorder, Iax);
        await using var answererConnection = await ModemConnection.OpenAsync(line.Device(1), Iax, cancellationToken: ct);
        var caller = new Class1Modem(callerConnection);
        var answerer = new Class1Modem(answererConnection);
        await caller.InitializeAsync(ct);
        await answerer.InitializeAsync(ct);

        var answering = Task.Run(
            async () =>
            {
                // RING, the caller id iaxmodem passes on (AT+VCID=1), then ATA: CED and implicit +FTH=3.
                var callerId = CallerId.None;
                var rings = 0;
                while (callerId.Number is null && rings < 2)
                {
                    var unsolicited = await answererConnection.Channel.Unsolicited.ReadAsync(ct);
                    callerId = callerId.With(unsolicited);
                    rings += unsolicited.Kind == UnsolicitedKind.Ring ? 1 : 0;
                }

                var answer = await answerer.AnswerAsync(ct);
                Assert.True(answer.Connected, answer.ResultText);
                await answerer.SendFramesAsync([Csi, Dis], ct);
                var dcs = await answerer.ReceiveFrameAsync(TimeSpan.FromSeconds(10), ct);
                var (status, receiver) = await answerer.StartImageReceiveAsync(Class1Carrier.V29At9600, msbFirstData: false, TimeSpan.FromSeconds(10), ct);
                Assert.Equal(ImageReceiveStatus.Connected, status);
                var tcf = await receiver!.ReadToEndAsync(ct);
                return (callerId, dcs, tcf, receiver.EndResult);
            },
            ct);

        var dial = await caller.DialAsync("100", ct);
        Assert.True(dial.Connected, dial.ResultText);
        var csi = await caller.ReceiveFrameAsync(TimeSpan.FromSeconds(10), ct);
        var dis = await caller.ReceiveFrameAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(HdlcReceiveStatus.Frame, csi.Status);
        Assert.Equal(Csi, csi.Frame);
        Assert.True(csi.FcsOk);
        Assert.False(csi.IsFinal);
        Assert.Equal(Dis, dis.Frame);
        Assert.True(dis.FcsOk);
        Assert.True(dis.IsFinal);

        // T.30 turnaround, DCS, then 1.5 s of TCF zeros on V.29 9600.
        await caller.TurnaroundAsync(ct);
        await caller.SendFramesAsync([Dcs], ct);
        await caller.BeforeTcfAsync(ct);
        await using (var tcf = await caller.StartImageTransmitAsync(Class1Carrier.V29At9600, msbFirstData: false, ct))
        {
            await tcf.WriteAsync(new byte[9600 * 15 / 80], ct);
            await tcf.CompleteAsync(ct);
        }

        var (callerIdSeen, receivedDcs, receivedTcf, end) = await answering.WaitAsync(ct);
        Assert.Equal("5550100", callerIdSeen.Number);
        Assert.Equal(Dcs, receivedDcs.Frame);
        Assert.True(receivedDcs.FcsOk);
        Assert.Equal(AtResultCode.NoCarrier, end);

        // A real demodulator: the 1800 zero bytes arrive as one run; before them spandsp delivers 0xFF fill for the
        // time between CONNECT and our first byte (the profile's 400 ms CONNECT delay). A TCF check therefore looks
        // for the longest run of zeros (T.30 5.3.6.2.2), not at the share of zeros.
        var longestZeroRun = 0;
        var run = 0;
        foreach (var b in receivedTcf)
        {
            run = b == 0 ? run + 1 : 0;
            longestZeroRun = Math.Max(longestZeroRun, run);
        }

        Assert.True(longestZeroRun >= 1700, $"longest zero run {longestZeroRun} of {receivedTcf.Length} bytes");
        Assert.All(receivedTcf.TakeWhile(b => b != 0), b => Assert.Equal(0xFF, b));

        await caller.HangupAsync(ct);
        await answerer.HangupAsync(ct);
        if (Environment.GetEnvironmentVariable("FGW_CAPTURE_TRANSCRIPTS") == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(Transcript.Directory, "iaxmodem-class1-call-caller.txt"), recorder.ToTranscript(), ct);
        }
    }
}
