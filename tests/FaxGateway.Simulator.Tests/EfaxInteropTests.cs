using BitMiracle.LibTiff.Classic;
using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Tests;

/// <summary>Independent programs against the simulator: efax on both ptys, the page checked with libtiff's tiffcp.</summary>
public sealed class EfaxInteropTests : IDisposable
{
    /// <summary>efax puts a page header above the page: this many blank/header lines, then the page's own rows.</summary>
    private const int EfaxHeaderLines = 20;

    /// <summary>efax's header text reaches a few rows into the page itself.</summary>
    private const int EfaxHeaderOverlap = 8;

    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("faxgw-sim-efax-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public Task Efax_class1_sends_a_page_through_two_simulated_modems_to_efax_receiving() => SendWithEfaxAsync("-o1", "-o1", null);

    [Fact]
    public Task Efax_class20_sends_a_page_through_a_simulated_class20_modem_to_efax_receiving_in_class1() =>
        SendWithEfaxAsync("-o0", "-o1", new Modem.VirtualModemOptions { FaxClasses = "0,1,1.0,2,2.0" });

    private async Task SendWithEfaxAsync(string senderClass, string receiverClass, Modem.VirtualModemOptions? modemOptions)
    {
        var dir = _dir.FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "page.txt"), $"FaxGateway simulator test page\n\nefax {senderClass} to efax {receiverClass} through two virtual modems.\n");
        var (efixCode, efixOutput) = await ExternalProgram.RunAsync("efix", dir, ProgramTimeout, "-i", "text", "-o", "tiffg3", "-n", "page.tif", "page.txt");
        Assert.True(efixCode == 0, efixOutput);

        // Lines take line time (4x faster than real): efax times its pages and needs time to pass.
        await using var sim = SimulatorHost.StartOnPtys(2, Path.Combine(dir, "dev"), new PstnOptions { RealTime = true, Speedup = 4 }, modemOptions: modemOptions);
        var receiverReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sim.Ports[1].Modem.CommandReceived += (_, line) =>
        {
            if (line.Contains("S0=1", StringComparison.OrdinalIgnoreCase))
            {
                receiverReady.TrySetResult();
            }
        };

        // The receiving efax lets the modem auto-answer (-jS0=1 -w), as in the iaxmodem recipe.
        using var receiver = ExternalProgram.Start("efax", dir, "-d", sim.Ports[1].DevicePath!, receiverClass, "-jS0=1", "-w", "-l", "RECEIVER 1", "-r", Path.Combine(dir, "rx"), "-v", "ewinchamrf");
        await receiverReady.Task.WaitAsync(ProgramTimeout);
        using var sender = ExternalProgram.Start("efax", dir, "-d", sim.Ports[0].DevicePath!, senderClass, "-l", "SENDER 0", "-v", "ewinchamr", "-t", sim.Ports[1].Number, "page.tif");

        var sent = await sender.WaitAsync(ProgramTimeout);
        var received = await receiver.WaitAsync(ProgramTimeout);
        Assert.True(sent == 0, "efax sender:\n" + sender.Output);
        Assert.True(received == 0, "efax receiver:\n" + receiver.Output);
        Assert.True(sender.Output.Contains("sent -> page.tif", StringComparison.Ordinal), "efax sender:\n" + sender.Output + "\nefax receiver:\n" + receiver.Output);

        // Decode both pages with libtiff (tiffcp), then compare rows: the received page is efax's header lines
        // followed by every row of the original, bit for bit.
        var (c1, o1) = await ExternalProgram.RunAsync("tiffcp", dir, ProgramTimeout, "-c", "none", "page.tif", "page.raw.tif");
        var (c2, o2) = await ExternalProgram.RunAsync("tiffcp", dir, ProgramTimeout, "-c", "none", "rx.001", "rx.raw.tif");
        Assert.True(c1 == 0 && c2 == 0, o1 + o2);
        var original = ReadRows(Path.Combine(dir, "page.raw.tif"));
        var arrived = ReadRows(Path.Combine(dir, "rx.raw.tif"));
        Assert.Equal(original.Width, arrived.Width);
        Assert.Equal(original.Rows.Count + EfaxHeaderLines, arrived.Rows.Count);
        for (var row = 0; row < original.Rows.Count; row++)
        {
            var sentRow = original.Rows[row];
            var arrivedRow = arrived.Rows[row + EfaxHeaderLines];
            if (row < EfaxHeaderOverlap)
            {
                // efax ORs its header text over the top rows: every black pixel of the page must still be there.
                Assert.True(sentRow.Zip(arrivedRow).All(p => (p.First & ~p.Second) == 0), $"row {row} lost pixels");
            }
            else
            {
                Assert.True(sentRow.AsSpan().SequenceEqual(arrivedRow), $"row {row} differs");
            }
        }

        Assert.Contains(original.Rows, r => r.Any(b => b != 0));
    }

    [Fact]
    public async Task Mgetty_sendfax_sends_a_page_through_a_simulated_class20_modem_to_efax_receiving()
    {
        var dir = _dir.FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "page.txt"), "FaxGateway simulator test page\n\nmgetty sendfax (Class 2.0) to efax -o1.\n");
        var (efixCode, efixOutput) = await ExternalProgram.RunAsync("efix", dir, ProgramTimeout, "-i", "text", "-o", "tiffg3", "-n", "page.tif", "page.txt");
        Assert.True(efixCode == 0, efixOutput);
        var (g3Code, g3Output) = await ExternalProgram.RunAsync("efix", dir, ProgramTimeout, "-i", "tiffg3", "-o", "fax", "-n", "page.g3", "page.tif");
        Assert.True(g3Code == 0, g3Output);

        await using var sim = SimulatorHost.StartOnPtys(2, Path.Combine(dir, "dev"), new PstnOptions { RealTime = true, Speedup = 4 }, modemOptions: new Modem.VirtualModemOptions { FaxClasses = "0,1,1.0,2,2.0" });
        var receiverReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sim.Ports[1].Modem.CommandReceived += (_, line) =>
        {
            if (line.Contains("S0=1", StringComparison.OrdinalIgnoreCase))
            {
                receiverReady.TrySetResult();
            }
        };

        using var receiver = ExternalProgram.Start("efax", dir, "-d", sim.Ports[1].DevicePath!, "-o1", "-jS0=1", "-w", "-l", "RECEIVER 1", "-r", Path.Combine(dir, "rx"), "-v", "ewinchamrf");
        await receiverReady.Task.WaitAsync(ProgramTimeout);
        var senderCommands = new System.Collections.Concurrent.ConcurrentQueue<string>();
        sim.Ports[0].Modem.CommandReceived += (_, line) => senderCommands.Enqueue(line.ToUpperInvariant());

        // sendfax only opens devices under /dev; -S makes it use the modem on its standard input (as mgetty hands it over).
        using var sender = ExternalProgram.Start("sh", dir, "-c", $"exec sendfax -S -v -x 5 -n {sim.Ports[1].Number} page.g3 0<>'{sim.Ports[0].DevicePath}'");

        var sent = await sender.WaitAsync(ProgramTimeout);
        Assert.True(sent == 0, "sendfax:\n" + sender.Output + "\nefax receiver:\n" + receiver.Output);
        var received = await receiver.WaitAsync(ProgramTimeout);
        Assert.True(received == 0, "efax receiver:\n" + receiver.Output);
        Assert.Contains(senderCommands, c => c.Contains("+FCLASS=2.0", StringComparison.Ordinal));
        Assert.Contains(senderCommands, c => c.Contains("+FDT", StringComparison.Ordinal));

        var (c1, o1) = await ExternalProgram.RunAsync("tiffcp", dir, ProgramTimeout, "-c", "none", "page.tif", "page.raw.tif");
        var (c2, o2) = await ExternalProgram.RunAsync("tiffcp", dir, ProgramTimeout, "-c", "none", "rx.001", "rx.raw.tif");
        Assert.True(c1 == 0 && c2 == 0, o1 + o2);
        var original = ReadRows(Path.Combine(dir, "page.raw.tif"));
        var arrived = ReadRows(Path.Combine(dir, "rx.raw.tif"));
        Assert.Equal(original.Width, arrived.Width);
        Assert.Equal(original.Rows.Count, arrived.Rows.Count);
        for (var row = 0; row < original.Rows.Count; row++)
        {
            Assert.True(original.Rows[row].AsSpan().SequenceEqual(arrived.Rows[row]), $"row {row} differs");
        }

        Assert.Contains(original.Rows, r => r.Any(b => b != 0));
    }

    private static (int Width, List<byte[]> Rows) ReadRows(string path)
    {
        using var tiff = Tiff.Open(path, "r") ?? throw new InvalidDataException("libtiff cannot open " + path);
        var width = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        var height = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        var rows = new List<byte[]>(height);
        for (var row = 0; row < height; row++)
        {
            var line = new byte[tiff.ScanlineSize()];
            tiff.ReadScanline(line, row);
            rows.Add(line);
        }

        return (width, rows);
    }
}
