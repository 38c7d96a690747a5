using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaxGateway.TestSupport;

namespace FaxGateway.Tests.Interop;

/// <summary>
/// Two iaxmodem instances (spandsp's real V.17/V.29/V.27ter DSP and T.31 interpreter) pointed at each other's IAX2
/// port on 127.0.0.1: a real phone line with a software modem on a pty at each end (spec section 5). Config files get
/// names unique to this process so parallel runs and other engineers' pairs do not clash; everything is removed on dispose.
/// </summary>
public sealed class IaxModemPair : IAsyncLifetime
{
    private const string ConfigDirectory = "/etc/iaxmodem";
    private readonly List<Process> _processes = [];
    private readonly List<string> _configs = [];

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "faxgw-iax-" + Guid.NewGuid().ToString("N")[..8]);

    public string Device0 => Path.Combine(Directory, "ttyIAX0");

    public string Device1 => Path.Combine(Directory, "ttyIAX1");

    /// <summary>When a modem on this pair last hung up: iaxmodem refuses calls for 5 s after a hangup ("NO DIALTONE").</summary>
    public DateTimeOffset LastHangup { get; set; } = DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var ports = new[] { FreeUdpPort(), FreeUdpPort() };
        var tag = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..4];
        for (var i = 0; i < 2; i++)
        {
            var name = $"ttyIAXgw{tag}{i}";
            var path = Path.Combine(ConfigDirectory, name);
            await File.WriteAllTextAsync(path, $"""
                device    {Path.Combine(Directory, "ttyIAX" + i)}
                owner     root:root
                mode      660
                port      {ports[i]}
                refresh   0
                server    127.0.0.1:{ports[1 - i]}
                peername  iaxmodem{i}
                secret    password
                cidname   Test{i}
                cidnumber 555010{i}
                codec     slinear

                """);
            _configs.Add(path);
            var process = Process.Start(new ProcessStartInfo("iaxmodem", name)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException("iaxmodem did not start");
            RealTimePeer.RaisePriority(process);
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _processes.Add(process);
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Eventually.WaitUntilAsync(() => Task.FromResult(File.Exists(Device0) && File.Exists(Device1)), wait.Token);

        LastHangup = DateTimeOffset.UtcNow;
    }

    /// <summary>Waits out iaxmodem's busy-out after the last hangup (plus margin), so a dial gets through.</summary>
    public async Task WaitUntilDialableAsync(CancellationToken cancellationToken)
    {
        var ready = LastHangup + TimeSpan.FromSeconds(7);
        var wait = ready - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        foreach (var config in _configs)
        {
            File.Delete(config);
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>Runs efax and collects its output; killed by its own id if it outlives the test.</summary>
internal sealed class EfaxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private EfaxProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static EfaxProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("efax") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("efax did not start");
        RealTimePeer.RaisePriority(process);
        return new EfaxProcess(process);
    }

    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
