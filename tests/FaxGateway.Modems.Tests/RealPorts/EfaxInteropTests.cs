using System.Diagnostics;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Probing;
using FaxGateway.TestSupport;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>Our Class 1 driver dials efax (an independent T.30) answering on the other iaxmodem: its CSI and DIS arrive intact.</summary>
public sealed class EfaxInteropTests
{
    [Fact]
    public async Task Efax_answers_and_its_csi_and_dis_reach_our_driver_then_we_send_dcn()
    {
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = overall.Token;
        await using var line = await IaxModemPair.StartAsync();
        var rxDir = Directory.CreateTempSubdirectory("fgw-efax");
        var info = new ProcessStartInfo("efax") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-d", line.Device(1), "-o1", "-jS0=1", "-w", "-l", "EFAX RECEIVER", "-r", Path.Combine(rxDir.FullName, "rx"), "-v", "ewinchamr" })
        {
            info.ArgumentList.Add(arg);
        }

        using var efax = Process.Start(info) ?? throw new InvalidOperationException("efax did not start");
        RealTimePeer.RaisePriority(efax);
        var efaxLog = efax.StandardError.ReadToEndAsync(ct);
        _ = efax.StandardOutput.ReadToEndAsync(ct);
        try
        {
            var iax = ModemProfileCatalog.Load(null).Get("iaxmodem");
            await using var connection = await ModemConnection.OpenAsync(line.Device(0), iax, cancellationToken: ct);
            var modem = new Class1Modem(connection);
            await modem.InitializeAsync(ct);
            var dial = await modem.DialAsync("200", ct);
            Assert.True(dial.Connected, dial.ResultText);

            var frames = new List<HdlcReceiveResult>();
            while (frames.Count < 5)
            {
                var frame = await modem.ReceiveFrameAsync(TimeSpan.FromSeconds(10), ct);
                Assert.Equal(HdlcReceiveStatus.Frame, frame.Status);
                frames.Add(frame);
                if (frame.IsFinal)
                {
                    break;
                }
            }

            Assert.All(frames, f => Assert.True(f.FcsOk));
            var csi = Assert.Single(frames, f => f.Fcf == 0x40);
            // CSI's 20 characters come last character first: efax's local id read backwards.
            var id = new string(csi.Frame[3..].Select(b => (char)b).Reverse().ToArray()).Trim();
            Assert.Equal("EFAX RECEIVER", id);
            var dis = frames[^1];
            Assert.Equal((byte)0x80, dis.Fcf);
            Assert.True(dis.Frame.Length >= 6);

            // Goodbye: DCN, then hang up.
            await modem.TurnaroundAsync(ct);
            await modem.SendFramesAsync([new byte[] { 0xFF, 0x13, 0xFB }], ct);
            await modem.HangupAsync(ct);
        }
        finally
        {
            // efax ends by itself after our DCN; it is killed only if it does not.
            using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                try
                {
                    await efax.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    // Still running: killed below.
                }
            }

            if (!efax.HasExited)
            {
                efax.Kill(entireProcessTree: true);
            }

            await efax.WaitForExitAsync(CancellationToken.None);
            rxDir.Delete(recursive: true);
        }

        // efax saw our DCN end the call (rather than a timeout).
        var log = await efaxLog;
        Assert.True(log.Contains("DCN", StringComparison.Ordinal), log);
    }
}
