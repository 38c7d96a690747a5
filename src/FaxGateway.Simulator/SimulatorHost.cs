using System.Globalization;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;
using FaxGateway.Simulator.Pty;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Simulator;

/// <summary>One simulated modem as a DTE reaches it: its number, and either a pty device or an in-process stream.</summary>
/// <param name="Modem">The virtual modem (faults, impairments via <see cref="VirtualModem.Line"/>).</param>
/// <param name="DevicePath">The device to open (DIR/ttySIMn, a symlink to the pty slave), or null in-process.</param>
/// <param name="Stream">The DTE end of the in-process cable, or null on a pty.</param>
public sealed record SimulatedPort(VirtualModem Modem, string? DevicePath, Stream? Stream)
{
    /// <summary>The number this modem answers.</summary>
    public string Number => Modem.Number;
}

/// <summary>
/// N virtual fax modems on one virtual exchange, each reachable in-process or on a pty: what
/// <c>faxgw simulate</c> and <c>faxgw run --simulate</c> start.
/// </summary>
/// <example>
/// <code>
/// await using var sim = SimulatorHost.StartInProcess(2);
/// Stream line0 = sim.Ports[0].Stream!;     // give to the Class 1 driver as its transport
/// string dialB = sim.Ports[1].Number;      // "5550101"
///
/// await using var ptys = SimulatorHost.StartOnPtys(2, "/run/faxgw");   // /run/faxgw/ttySIM0, ttySIM1
/// </code>
/// </example>
public sealed class SimulatorHost : IAsyncDisposable
{
    /// <summary>Device names on ptys: ttySIM0, ttySIM1, …</summary>
    public const string DevicePrefix = "ttySIM";

    private readonly List<SimulatedPort> _ports = [];
    private readonly Dictionary<VirtualModem, (PseudoTerminal Pty, string Link)> _ptys = [];
    private readonly Lock _lock = new();
    private readonly List<Task> _unplugs = [];

    private SimulatorHost(VirtualPstn pstn) => Pstn = pstn;

    /// <summary>The exchange the modems are on.</summary>
    public VirtualPstn Pstn { get; }

    /// <summary>The modems, in order.</summary>
    public IReadOnlyList<SimulatedPort> Ports => _ports;

    /// <summary>Starts <paramref name="modems"/> modems reachable through in-process streams.</summary>
    public static SimulatorHost StartInProcess(int modems, PstnOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, VirtualModemOptions? modemOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modems, 1);
        var host = new SimulatorHost(new VirtualPstn(options, timeProvider, loggerFactory));
        for (var i = 0; i < modems; i++)
        {
            var modem = host.Pstn.AddModem(modemOptions);
            host._ports.Add(new SimulatedPort(modem, null, modem.OpenPort()));
        }

        return host;
    }

    /// <summary>
    /// Starts <paramref name="modems"/> modems on ptys, each linked as <paramref name="ptyDirectory"/>/ttySIMn
    /// (an existing link of that name is replaced). The directory is created if needed.
    /// </summary>
    public static SimulatorHost StartOnPtys(int modems, string ptyDirectory, PstnOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, VirtualModemOptions? modemOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modems, 1);
        ArgumentException.ThrowIfNullOrEmpty(ptyDirectory);
        Directory.CreateDirectory(ptyDirectory);
        var host = new SimulatorHost(new VirtualPstn(options, timeProvider, loggerFactory));
        try
        {
            for (var i = 0; i < modems; i++)
            {
                var modem = host.Pstn.AddModem(modemOptions);
                var pty = PseudoTerminal.Open();
                var link = Path.Combine(Path.GetFullPath(ptyDirectory), DevicePrefix + i.ToString(CultureInfo.InvariantCulture));
                if (File.Exists(link) || Directory.Exists(link) || new FileInfo(link).LinkTarget is not null)
                {
                    File.Delete(link);
                }

                File.CreateSymbolicLink(link, pty.SlavePath);
                host._ptys[modem] = (pty, link);
                host._ports.Add(new SimulatedPort(modem, link, null));
                modem.Unplugged += host.OnUnplugged;
                modem.Start(pty.Master);
            }
        }
        catch
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return host;
    }

    private void OnUnplugged(VirtualModem modem)
    {
        (PseudoTerminal Pty, string Link) entry;
        lock (_lock)
        {
            if (!_ptys.Remove(modem, out entry))
            {
                return;
            }

            // The device node goes at once, as /dev/ttyACM0 does when the USB plug is pulled.
            TryDelete(entry.Link, entry.Pty.SlavePath);
            _unplugs.Add(Task.Run(async () =>
            {
                await modem.StopAsync().ConfigureAwait(false);
                entry.Pty.Dispose();
            }));
        }
    }

    private static void TryDelete(string link, string target)
    {
        try
        {
            // Only our own link: another simulator may have taken the name since.
            if (new FileInfo(link).LinkTarget == target)
            {
                File.Delete(link);
            }
        }
        catch (IOException)
        {
            // Already gone.
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to remove: leave it.
        }
    }

    /// <summary>Stops every modem, closes the ptys and removes the device links.</summary>
    public async ValueTask DisposeAsync()
    {
        await Pstn.DisposeAsync().ConfigureAwait(false);
        Task[] unplugs;
        (PseudoTerminal Pty, string Link)[] ptys;
        lock (_lock)
        {
            unplugs = [.. _unplugs];
            ptys = [.. _ptys.Values];
            _ptys.Clear();
        }

        await Task.WhenAll(unplugs).ConfigureAwait(false);
        foreach (var (pty, link) in ptys)
        {
            TryDelete(link, pty.SlavePath);
            pty.Dispose();
        }

        foreach (var port in _ports)
        {
            if (port.Stream is { } stream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
