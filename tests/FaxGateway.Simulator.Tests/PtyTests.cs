using System.IO.Ports;
using System.Text;
using FaxGateway.Modems.Framing;
using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Tests;

/// <summary>The pty path as the daemon will use it: System.IO.Ports.SerialPort on DIR/ttySIMn.</summary>
public sealed class PtyTests : IDisposable
{
    private static readonly byte[] Dis = [0xFF, 0x13, 0x80, 0x00, 0x6E, 0xB8, 0x00];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faxgw-sim-pty-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static SerialPort OpenPort(string device)
    {
        var port = new SerialPort(device, 115200) { ReadTimeout = 10_000, WriteTimeout = 10_000 };
        port.Open();
        return port;
    }

    private static void Send(SerialPort port, string text) => port.Write(text);

    /// <summary>Reads until <paramref name="text"/> arrives; returns everything before it.</summary>
    private static string Expect(SerialPort port, string text)
    {
        var received = new StringBuilder();
        while (true)
        {
            int c;
            try
            {
                c = port.ReadByte();
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"Expected {text.ReplaceLineEndings("|")} got [{received.ToString().Replace("\r", "<CR>", StringComparison.Ordinal).Replace("\n", "<LF>", StringComparison.Ordinal)}]", ex);
            }

            received.Append((char)c);
            if (received.Length >= text.Length && received.ToString(received.Length - text.Length, text.Length) == text)
            {
                return received.ToString(0, received.Length - text.Length);
            }
        }
    }

    [Fact]
    public async Task Host_creates_device_links_and_removes_them_on_dispose()
    {
        var devices = Path.Combine(_dir.FullName, "dev");
        var sim = SimulatorHost.StartOnPtys(3, devices);
        Assert.Equal(["ttySIM0", "ttySIM1", "ttySIM2"], sim.Ports.Select(p => Path.GetFileName(p.DevicePath!)));
        Assert.Equal(["5550100", "5550101", "5550102"], sim.Ports.Select(p => p.Number));
        Assert.All(sim.Ports, p => Assert.StartsWith("/dev/pts/", new FileInfo(p.DevicePath!).LinkTarget, StringComparison.Ordinal));
        await sim.DisposeAsync();
        Assert.Empty(Directory.GetFileSystemEntries(devices));
    }

    [Fact]
    public async Task SerialPort_on_the_pty_probes_dials_and_exchanges_a_frame()
    {
        await using var sim = SimulatorHost.StartOnPtys(2, Path.Combine(_dir.FullName, "dev"), new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20) });
        await Task.Run(() =>
        {
            using var a = OpenPort(sim.Ports[0].DevicePath!);
            using var b = OpenPort(sim.Ports[1].DevicePath!);
            Send(a, "ATE0\r");
            Expect(a, "\r\nOK\r\n");
            Send(a, "AT+FCLASS=?\r");
            Assert.Equal("\r\n0,1,1.0\r\n", Expect(a, "\r\nOK\r\n"));
            Send(a, "AT+FCLASS=1\r");
            Expect(a, "\r\nOK\r\n");
            Send(b, "ATE0;+FCLASS=1;S0=1\r");
            Expect(b, "\r\nOK\r\n");

            Send(a, $"ATD{sim.Ports[1].Number}\r");
            Assert.Contains("NMBR=5550100", Expect(b, "\r\nCONNECT\r\n"), StringComparison.Ordinal);
            b.Write(DleStuffing.StuffAndTerminate(Dis), 0, DleStuffing.StuffAndTerminate(Dis).Length);
            Expect(b, "\r\nOK\r\n");
            Expect(a, "\r\nCONNECT\r\n");
            var frame = Expect(a, "\x10\x03").Select(c => (byte)c).ToArray();
            Assert.Equal(Crc16.AppendFcs(Dis), frame);
            Expect(a, "\r\nOK\r\n");
        });
    }

    [Fact]
    public async Task Unplugged_modem_loses_its_device_and_the_far_end_gets_NO_CARRIER()
    {
        await using var sim = SimulatorHost.StartOnPtys(2, Path.Combine(_dir.FullName, "dev"), new PstnOptions { RingInterval = TimeSpan.FromMilliseconds(20) });
        await Task.Run(() =>
        {
            using var a = OpenPort(sim.Ports[0].DevicePath!);
            using var b = OpenPort(sim.Ports[1].DevicePath!);
            Send(a, "ATE0;+FCLASS=1\r");
            Expect(a, "\r\nOK\r\n");
            Send(b, "ATE0;+FCLASS=1;S0=1\r");
            Expect(b, "\r\nOK\r\n");
            Send(a, $"ATD{sim.Ports[1].Number}\r");
            Expect(b, "\r\nCONNECT\r\n");

            sim.Ports[1].Modem.Unplug();
            Assert.False(File.Exists(sim.Ports[1].DevicePath!));
            Expect(a, "\r\nNO CARRIER\r\n");

            // The DTE that had the unplugged port open gets an error, not a hang.
            Assert.ThrowsAny<Exception>(() =>
            {
                for (var i = 0; i < 100; i++)
                {
                    b.ReadByte();
                }
            });
        });
    }
}
