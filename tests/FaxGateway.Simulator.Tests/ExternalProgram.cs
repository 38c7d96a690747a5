using System.Diagnostics;
using System.Text;
using FaxGateway.TestSupport;

namespace FaxGateway.Simulator.Tests;

/// <summary>A real program (efax, tiffcp) run by a test: output captured, killed by PID if it outlives the test.</summary>
internal sealed class ExternalProgram : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProgram(Process process) => _process = process;

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

    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static ExternalProgram Start(string name, string workingDirectory, params string[] arguments)
    {
        var path = Find(name) ?? throw new InvalidOperationException($"{name} is not installed (Debian package; .ci/run installs it).");
        var info = new ProcessStartInfo(path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        var program = new ExternalProgram(process);
        process.OutputDataReceived += (_, e) => program.Append(e.Data);
        process.ErrorDataReceived += (_, e) => program.Append(e.Data);
        process.Start();
        RealTimePeer.RaisePriority(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string name, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var program = Start(name, workingDirectory, arguments);
        var code = await program.WaitAsync(timeout).ConfigureAwait(false);
        return (code, program.Output);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} did not finish in {timeout}. Output:\n{Output}");
        }

        // WaitForExit without a timeout drains the redirected output.
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }
}
