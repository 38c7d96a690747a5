using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using FaxGateway.Operations;

namespace FaxGateway.Tests.Operations;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdUnitTests
{
    private static string SystemdFolder => Path.Combine(LayerRulesTests.RepositoryRoot(), "systemd");

    [Fact]
    public void The_unit_passes_systemd_analyze_verify()
    {
        // verify insists that ExecStart names an executable that exists: point it at a stand-in.
        using var temp = new TempFolder();
        var exe = Path.Combine(temp.Path, "faxgw");
        File.WriteAllText(exe, "#!/bin/sh\n");
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var unit = File.ReadAllText(Path.Combine(SystemdFolder, "faxgateway.service")).Replace("/usr/local/bin/faxgw", exe, StringComparison.Ordinal);
        var unitPath = Path.Combine(temp.Path, "faxgateway.service");
        File.WriteAllText(unitPath, unit);

        var (exit, output) = Run("systemd-analyze", "verify", unitPath);

        Assert.True(exit == 0 && output.Trim().Length == 0, $"systemd-analyze verify said ({exit}): {output}");
    }

    [Fact]
    public void The_unit_is_hardened_and_runs_as_its_own_user_in_the_dialout_group()
    {
        var unit = File.ReadAllLines(Path.Combine(SystemdFolder, "faxgateway.service"));
        string[] required =
        [
            "Type=notify", "User=faxgw", "SupplementaryGroups=dialout", "StateDirectory=faxgateway",
            "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes", "DevicePolicy=closed",
            "DeviceAllow=char-ttyACM rw", "DeviceAllow=char-ttyUSB rw",
        ];

        Assert.All(required, line => Assert.Contains(line, unit));
        Assert.Contains(unit, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));
    }

    [Fact]
    public void Sysusers_file_parses_with_systemd_sysusers()
    {
        using var temp = new TempFolder();
        // --dry-run against an empty root: parses the file and prints what it would create.
        var (exit, output) = Run("systemd-sysusers", "--dry-run", "--root", temp.Path, Path.Combine(SystemdFolder, "faxgateway.sysusers"));

        Assert.True(exit == 0, output);
        Assert.Contains("faxgw", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Notifier_sends_datagrams_to_the_notify_socket()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "notify");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.ReceiveTimeout = 10_000;

        using var notifier = new SystemdNotifier(path);
        Assert.True(notifier.Notify("READY=1"));

        var buffer = new byte[256];
        var n = listener.Receive(buffer);
        Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, n));
    }

    [Fact]
    public void Notifier_without_a_socket_is_silent()
    {
        using var notifier = new SystemdNotifier(null);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Notify("READY=1"));
    }

    internal static (int Exit, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("faxgw-test-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test process may still hold a file; the OS cleans temp later.
        }
    }
}
