using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;
using FaxGateway.Protocol.Session;
using FaxGateway.Protocol.Tests.Support;
using static FaxGateway.Protocol.Tests.Support.Dialogue;

namespace FaxGateway.Protocol.Tests.Session;

/// <summary>Whole dialogues with their times, checked line by line (TSB-85 style procedure records).</summary>
public sealed class TranscriptTests
{
    [Fact]
    public void One_page_send_with_a_missed_cfr()
    {
        var d = new Dialogue(new T30SessionOptions { Role = CallRole.Caller, LocalIdent = "TX", PageSource = new FakePageSource(1, 300) }).Start();
        d.Send(Remote(FrameType.Dis, Dis(new FaxCapabilities { Ecm = false, Modems = ModemSupport.V27ter | ModemSupport.V29 })));
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V29_9600);
        d.ElapseToDeadline();
        d.ExpectFrames(FrameType.Tsi, FrameType.Dcs);
        d.ExpectTcf(FaxRate.V29_9600);
        d.Send(Remote(FrameType.Cfr));
        d.ExpectImage();
        d.ExpectFrames(FrameType.Eop);
        d.Send(Remote(FrameType.Mcf));
        d.ExpectDisconnect(HangupReason.Normal);
        Assert.Equal(
            """
               0.000 << ReceiveHdlc { Timeout = 00:00:35 }
               0.000 >> DIS [00CEF880808180808018]
               0.000 << Silence { Duration = 00:00:00.0750000 }
               0.000 << SendFrames TSI [2020202020202020202020202020202020205854] DCS [00C670]
               1.987 << Silence { Duration = 00:00:00.0750000 }
               1.987 << SendTcf { Rate = V.29 9600, Duration = 00:00:01.5000000, Octets = 1800 }
               3.487 << ReceiveHdlc { Timeout = 00:00:03 }
               6.487 .. deadline
               6.487 << Silence { Duration = 00:00:00.0750000 }
               6.487 << SendFrames TSI [2020202020202020202020202020202020205854] DCS [00C670]
               8.473 << Silence { Duration = 00:00:00.0750000 }
               8.473 << SendTcf { Rate = V.29 9600, Duration = 00:00:01.5000000, Octets = 1800 }
               9.973 << ReceiveHdlc { Timeout = 00:00:03 }
               9.973 >> CFR
               9.973 << Silence { Duration = 00:00:00.0750000 }
               9.973 << SendImage V.29 9600 300 octets
              10.223 << Silence { Duration = 00:00:00.0750000 }
              10.223 << SendFrames EOP
              11.410 << ReceiveHdlc { Timeout = 00:00:03 }
              11.410 >> MCF
              11.410 << Silence { Duration = 00:00:00.0750000 }
              11.410 << SendFrames DCN
              12.597 << Hangup { Reason = Normal }
            """.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n",
            d.Transcript.ToString());
    }
}
