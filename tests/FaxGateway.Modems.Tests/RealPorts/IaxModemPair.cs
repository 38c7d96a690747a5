using System.Diagnostics;
using FaxGateway.TestSupport;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>
/// Two iaxmodem instances (spandsp T.31 modems on ptys) pointed at each other's IAX2 port on 127.0.0.1: a real
/// phone line with real V.21/V.29/V.17 DSP (spec section 5). Config files go to /etc/iaxmodem under unique
/// names and are removed again; the processes are killed by their ids on dispose.
/// </summary>
internal sealed class IaxModemPair : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<string> _configs = [];
    private readonly DirectoryInfo _dir;

    private IaxModemPair(DirectoryInfo dir) => _dir = dir;

    public string Device(int index) => Path.Combine(_dir.FullName, $"tty{index}");

    public static async Task<IaxModemPair> StartAsync()
    {
        // Short path: iaxmodem truncates the device path at 64 characters.
        var dir = Directory.CreateDirectory(Path.Combine("/tmp", $"fgw{Environment.ProcessId}{Random.Shared.Next(1000)}"));
        var pair = new IaxModemPair(dir);
        var basePort = 20000 + (Random.Shared.Next(0, 10000) * 2);
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var name = $"fgwtest-{Environment.ProcessId}-{basePort}-{i}";
                var config = Path.Combine("/etc/iaxmodem", name);
                await File.WriteAllTextAsync(config, $"""
                    device    {pair.Device(i)}
                    owner     root:root
                    mode      660
                    port      {basePort + i}
                    refresh   0
                    server    127.0.0.1:{basePort + 1 - i}
                    peername  {name}
                    secret    password
                    cidname   Line{i}
                    cidnumber 555010{i}
                    codec     slinear

                    """);
                pair._configs.Add(config);
                var info = new ProcessStartInfo("iaxmodem") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                info.ArgumentList.Add(name);
                var process = Process.Start(info) ?? throw new InvalidOperationException("iaxmodem did not start");
                RealTimePeer.RaisePriority(process);
                pair._processes.Add(process);
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
            }

            // The pty symlink appears when the modem is up; wait for it with a watcher, not a sleep.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            using var watcher = new FileSystemWatcher(dir.FullName) { EnableRaisingEvents = true };
            var changed = new SemaphoreSlim(0);
            watcher.Created += (_, _) => changed.Release();
            while (!File.Exists(pair.Device(0)) || !File.Exists(pair.Device(1)))
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }

            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        foreach (var config in _configs)
        {
            File.Delete(config);
        }

        _dir.Delete(recursive: true);
    }
}
