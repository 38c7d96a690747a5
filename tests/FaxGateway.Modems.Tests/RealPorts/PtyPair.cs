using System.Diagnostics;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.RealPorts;

/// <summary>
/// A real pty pair made by socat (raw, no echo): the driver opens <see cref="DtePath"/> through System.IO.Ports,
/// a scripted modem plays on <see cref="ModemPath"/>. Disposing kills socat and ends the pump.
/// </summary>
internal sealed class PtyPair : IAsyncDisposable
{
    private readonly Process _socat;
    private readonly DirectoryInfo _dir;
    private FileStream? _modemEnd;
    private ScriptedModemStream? _script;
    private Task? _toModem;
    private Task? _toDte;

    private PtyPair(Process socat, DirectoryInfo dir)
    {
        _socat = socat;
        _dir = dir;
    }

    public string DtePath => Path.Combine(_dir.FullName, "dte");

    public string ModemPath => Path.Combine(_dir.FullName, "modem");

    public static async Task<PtyPair> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("fgw-pty");
        var info = new ProcessStartInfo("socat")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-d", "-d", $"pty,raw,echo=0,link={Path.Combine(dir.FullName, "dte")}", $"pty,raw,echo=0,link={Path.Combine(dir.FullName, "modem")}" })
        {
            info.ArgumentList.Add(arg);
        }

        var socat = Process.Start(info) ?? throw new InvalidOperationException("socat did not start");
        var pair = new PtyPair(socat, dir);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await socat.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            // socat -d -d announces both ptys, then the transfer loop: from then on both links exist.
            if (line.Contains("starting data transfer loop", StringComparison.Ordinal))
            {
                _ = socat.StandardError.ReadToEndAsync(CancellationToken.None);
                return pair;
            }
        }

        await pair.DisposeAsync();
        throw new InvalidOperationException("socat ended before the ptys were ready");
    }

    /// <summary>Plays <paramref name="script"/> as the modem on the far end of the pty.</summary>
    public void Play(ScriptedModemStream script)
    {
        _modemEnd = new FileStream(ModemPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
        var modemEnd = _modemEnd;
        _script = script;
        script.Start();
        _toModem = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await modemEnd.ReadAsync(buffer);
                    if (n == 0)
                    {
                        break;
                    }

                    await script.WriteAsync(buffer.AsMemory(0, n));
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The pty closes when socat is killed at the end of the test.
            }
        });
        _toDte = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await script.ReadAsync(buffer);
                    if (n == 0)
                    {
                        break;
                    }

                    await modemEnd.WriteAsync(buffer.AsMemory(0, n));
                    await modemEnd.FlushAsync();
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // As above.
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _script?.Unplug();
        if (!_socat.HasExited)
        {
            _socat.Kill(entireProcessTree: true);
        }

        await _socat.WaitForExitAsync();
        _socat.Dispose();
        if (_modemEnd is not null)
        {
            await _modemEnd.DisposeAsync();
        }

        foreach (var task in new[] { _toModem, _toDte })
        {
            if (task is not null)
            {
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(5)));
            }
        }

        _dir.Delete(recursive: true);
    }
}
