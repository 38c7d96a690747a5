using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaxGateway.Tests.Operations;

/// <summary>
/// The real daemon (<c>faxgw run</c>) as a child process on a free loopback port, with a data folder of its own.
/// Output is collected; the process is killed on dispose.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _token = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DaemonProcess(Process process, string dataDirectory, Uri baseAddress)
    {
        _process = process;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public Task<string> Token => _token.Task;

    public bool HasExited => _process.HasExited;

    public static DaemonProcess Start(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null, params string[] extraArguments)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faxgw.dll"));
        foreach (var a in (string[])["run", "--data", dataDirectory, "--urls", baseAddress.ToString().TrimEnd('/'), .. extraArguments])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start faxgw");
        var daemon = new DaemonProcess(process, dataDirectory, baseAddress);
        process.OutputDataReceived += (_, e) => daemon.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>
    /// SIGKILL of the daemon process alone, at once: Kill(entireProcessTree) first walks /proc for children, which
    /// takes tens of milliseconds, long enough for a request in flight to be answered before the kill lands. For
    /// daemons that start no child processes (the simulator with TIFF documents; Ghostscript runs only for PDF).
    /// </summary>
    public void KillNow()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(30_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(30_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string marker = "API token (shown once, scope fax:all:edit): ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            _token.TrySetResult(line[(at + marker.Length)..].Trim());
        }
    }
}
