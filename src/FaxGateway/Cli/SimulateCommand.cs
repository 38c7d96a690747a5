using System.CommandLine;
using System.Runtime.InteropServices;
using FaxGateway.Simulator;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw simulate</c>: virtual fax modems wired back to back through a virtual PSTN, each on a pty
/// (DIR/ttySIM0, DIR/ttySIM1, …) for efax, mgetty's sendfax or our own daemon. Runs until Ctrl-C or SIGTERM.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var modems = new Option<int>("--modems") { Description = "Number of virtual modems", DefaultValueFactory = _ => 2 };
        var faxClass = new Option<string>("--class") { Description = "Fax class the modems offer: 1 (Class 1/1.0), 2 (SP-2388-A) or 2.0 (T.32; Class 2 too)", DefaultValueFactory = _ => "1" };
        var ptyDir = new Option<string>("--pty-dir") { Description = "Directory for the ttySIMn device links", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "faxgw-sim") };
        var realtime = new Option<bool>("--realtime") { Description = "Line timing of a real line: TCF 1.5 s, pages at their bit rate, CED 3 s, rings every 6 s (default: the same timing 4 times faster)" };
        var speedup = new Option<double>("--speedup") { Description = "How many times faster than a real line the simulated lines run, without --realtime", DefaultValueFactory = _ => 4 };
        var firstNumber = new Option<string>("--first-number") { Description = "Number of the first modem; the others count up", DefaultValueFactory = _ => "5550100" };

        var command = new Command("simulate", "Run virtual fax modems on ptys, wired together through a virtual PSTN")
        {
            modems,
            faxClass,
            ptyDir,
            realtime,
            speedup,
            firstNumber,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var count = parse.GetValue(modems);
            var cls = parse.GetValue(faxClass);
            if (count < 1)
            {
                await error.WriteLineAsync("--modems must be at least 1").ConfigureAwait(false);
                return 2;
            }

            VirtualModemOptions? modemOptions = cls switch
            {
                "1" or "1.0" => null,

                // Class 2/2.0 modems run the project's T.30 engine inside themselves.
                "2" => new VirtualModemOptions { FaxClasses = "0,2", Model = "FaxGateway virtual Class 2 modem" },
                "2.0" => new VirtualModemOptions { FaxClasses = "0,2,2.0", Model = "FaxGateway virtual Class 2.0 modem" },
                _ => new VirtualModemOptions { FaxClasses = string.Empty },
            };
            if (modemOptions is { FaxClasses.Length: 0 })
            {
                await error.WriteLineAsync($"--class {cls}: the simulator offers 1 (Class 1/1.0), 2 and 2.0").ConfigureAwait(false);
                return 2;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

            // Programs on ptys time their pages (efax divides bytes by whole seconds), so lines on ptys always take
            // line time: 1x with --realtime, accelerated otherwise. Instant lines are for in-process drivers.
            var factor = parse.GetValue(realtime) ? 1 : parse.GetValue(speedup);
            if (factor is < 1 or > 1000)
            {
                await error.WriteLineAsync("--speedup must be between 1 and 1000").ConfigureAwait(false);
                return 2;
            }

            var options = new PstnOptions { RealTime = true, Speedup = factor, FirstNumber = parse.GetValue(firstNumber) ?? "5550100" };
            SimulatorHost host;
            try
            {
                host = SimulatorHost.StartOnPtys(count, parse.GetValue(ptyDir)!, options, modemOptions: modemOptions);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                await error.WriteLineAsync("Cannot start the simulator: " + ex.Message).ConfigureAwait(false);
                return 1;
            }

            await using (host.ConfigureAwait(false))
            {
                foreach (var port in host.Ports)
                {
                    await output.WriteLineAsync($"{port.DevicePath} {port.Number}").ConfigureAwait(false);
                }

                await output.WriteLineAsync($"{count} Class {cls} modem(s), line timing {(factor == 1 ? "real time" : $"{factor}x real time")}; Ctrl-C or SIGTERM stops.").ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C or SIGTERM: fall through to the clean shutdown.
                }
            }

            await output.WriteLineAsync("Simulator stopped.").ConfigureAwait(false);
            return 0;

            void OnSignal(PosixSignalContext context)
            {
                // Handle the signal ourselves: stop the modems, remove the links, exit 0.
                context.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }
}
