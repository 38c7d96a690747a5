using System.Globalization;
using FaxGateway.Simulator.Line;
using FaxGateway.Simulator.Modem;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Simulator;

/// <summary>
/// The virtual telephone exchange: numbered lines with a virtual fax modem on each, calls between them with
/// ringing and caller id, and per-line impairments. Modems are reached in-process through
/// <see cref="VirtualModem.OpenPort"/> or attached to any byte stream (a pty master) with <see cref="VirtualModem.RunAsync"/>.
/// </summary>
/// <example>
/// <code>
/// await using var pstn = new VirtualPstn(new PstnOptions { RealTime = false });
/// var a = pstn.AddModem();            // answers 5550100
/// var b = pstn.AddModem();            // answers 5550101
/// Stream portA = a.OpenPort();        // the transport a driver would otherwise get from a serial port
/// </code>
/// </example>
public sealed partial class VirtualPstn : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<VirtualModem> _modems = [];
    private readonly List<VirtualCall> _calls = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ILogger _logger;
    private long _nextNumber;

    /// <summary>Creates an exchange.</summary>
    public VirtualPstn(PstnOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new PstnOptions();
        Time = timeProvider ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = LoggerFactory.CreateLogger<VirtualPstn>();
        if (!long.TryParse(Options.FirstNumber, NumberStyles.None, CultureInfo.InvariantCulture, out _nextNumber))
        {
            throw new ArgumentException("FirstNumber must be digits: " + Options.FirstNumber, nameof(options));
        }
    }

    /// <summary>The exchange's settings.</summary>
    public PstnOptions Options { get; }

    /// <summary>The clock every timer and pacing delay uses.</summary>
    public TimeProvider Time { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal CancellationToken ShutdownToken => _shutdown.Token;

    /// <summary>The modems in the order they were added.</summary>
    public IReadOnlyList<VirtualModem> Modems
    {
        get
        {
            lock (_lock)
            {
                return [.. _modems];
            }
        }
    }

    /// <summary>Every call attempted so far, oldest first.</summary>
    public IReadOnlyList<VirtualCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Raised when a call is placed (before it rings).</summary>
    public event Action<VirtualCall>? CallPlaced;

    /// <summary>Adds a line with a modem on it. Without a number, the next free one from <see cref="PstnOptions.FirstNumber"/>.</summary>
    public VirtualModem AddModem(VirtualModemOptions? options = null)
    {
        options ??= new VirtualModemOptions();
        lock (_lock)
        {
            string number;
            if (options.Number is { } wanted)
            {
                if (wanted.Length == 0 || !wanted.All(char.IsAsciiDigit))
                {
                    throw new ArgumentException("A line number is digits only: " + wanted, nameof(options));
                }

                number = wanted;
            }
            else
            {
                do
                {
                    number = (_nextNumber++).ToString(CultureInfo.InvariantCulture);
                }
                while (_modems.Any(m => m.Number == number));
            }

            if (_modems.Any(m => m.Number == number))
            {
                throw new ArgumentException("Number already in use: " + number, nameof(options));
            }

            var index = _modems.Count;
            var line = new VirtualLine(number, options.CallerName ?? "FAXGW SIM " + index.ToString(CultureInfo.InvariantCulture)) { Impairments = options.Impairments ?? LineImpairments.None };
            var modem = new VirtualModem(this, line, index, options);
            _modems.Add(modem);
            return modem;
        }
    }

    /// <summary>Finds the modem that answers <paramref name="number"/>.</summary>
    public VirtualModem? FindModem(string number)
    {
        lock (_lock)
        {
            return _modems.FirstOrDefault(m => m.Number == number);
        }
    }

    /// <summary>Places a call; the outcome is on the returned call (null: no such number).</summary>
    internal VirtualCall? Dial(VirtualModem caller, string number)
    {
        VirtualCall call;
        lock (_lock)
        {
            var callee = _modems.FirstOrDefault(m => m.Number == number);
            if (callee is null)
            {
                return null;
            }

            call = new VirtualCall(caller, callee, Time, Options.EffectiveLatency, _shutdown.Token);
            _calls.Add(call);
            if (callee == caller || callee.Line.AlwaysBusy || !callee.TryTakeIncoming(call))
            {
                call.Fail(CallOutcome.Busy);
                return call;
            }
        }

        Log.CallPlaced(_logger, caller.Number, number);
        CallPlaced?.Invoke(call);
        _ = RingAsync(call);
        return call;
    }

    private async Task RingAsync(VirtualCall call)
    {
        var interval = Options.EffectiveRingInterval;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.EndedToken, _shutdown.Token);
        try
        {
            for (var ring = 1; !call.Outcome.IsCompleted; ring++)
            {
                call.Record(call.Caller, "ring " + ring.ToString(CultureInfo.InvariantCulture));
                call.Callee.OnRing(call, ring);
                if (linked.IsCancellationRequested)
                {
                    return;
                }

                await Task.WhenAny(call.Outcome, Task.Delay(interval, Time, linked.Token)).ConfigureAwait(false);
                if (!call.Outcome.IsCompleted && ring >= Options.RingsBeforeNoAnswer)
                {
                    call.Fail(CallOutcome.NoAnswer);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The caller gave up or the exchange shut down: the call has ended already.
        }
    }

    /// <summary>Hangs up every call and stops every modem.</summary>
    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        foreach (var call in Calls)
        {
            call.End(CallEndReason.Shutdown);
        }

        foreach (var modem in Modems)
        {
            await modem.StopAsync().ConfigureAwait(false);
        }

        _shutdown.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Call from {Caller} to {Callee}")]
        public static partial void CallPlaced(ILogger logger, string caller, string callee);
    }
}
