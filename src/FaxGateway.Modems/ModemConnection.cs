using FaxGateway.Modems.At;
using FaxGateway.Modems.Framing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Modems;

/// <summary>
/// One modem on one port: the transport, its <see cref="AtChannel"/>, the profile, and the single
/// <see cref="BreakAsync(ModemFailure, string, Exception?)"/> choke point (design example 10) that every failed
/// operation goes through: the line is marked broken, the call dropped (abort, ATH, DTR), the modem
/// re-initialised from its profile, and the exception to throw is handed back.
/// </summary>
public sealed class ModemConnection : IAsyncDisposable
{
    private readonly ILogger _logger;
    private IReadOnlyList<string> _classCommands = [];

    /// <summary>Wraps an open transport.</summary>
    public ModemConnection(IModemTransport transport, ModemProfile profile, TimeProvider? timeProvider = null, ILogger? logger = null, AtChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(profile);
        Transport = transport;
        Profile = profile;
        Time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var channelOptions = (options ?? new AtChannelOptions()) with
        {
            DefaultTimeout = profile.CommandTimeout,
            SoftwareFlowControl = profile.FlowControl == FlowControl.XonXoff && transport is not SerialModemTransport,
        };
        Channel = new AtChannel(transport.Stream, transport.Name, channelOptions, Time, _logger);
    }

    /// <summary>The transport.</summary>
    public IModemTransport Transport { get; }

    /// <summary>The AT channel.</summary>
    public AtChannel Channel { get; }

    /// <summary>The profile in use.</summary>
    public ModemProfile Profile { get; }

    /// <summary>The time source.</summary>
    public TimeProvider Time { get; }

    /// <summary>The port name.</summary>
    public string Name => Transport.Name;

    /// <summary>True after a failure until a re-initialisation succeeds.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>True when the modem did not come back after a break; the line needs attention.</summary>
    public bool IsDead { get; private set; }

    /// <summary>Breaks so far (a line-health metric).</summary>
    public int BreakCount { get; private set; }

    /// <summary>Opens <paramref name="device"/> ("tcp://host:port" or a device path) with the profile's speed and flow control.</summary>
    public static async Task<ModemConnection> OpenAsync(string device, ModemProfile profile, TimeProvider? timeProvider = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var transport = await ModemEndpoint.OpenAsync(device, profile.BaudRate, profile.FlowControl, cancellationToken).ConfigureAwait(false);
        if (transport is SerialModemTransport { HasModemControl: false, ModemControlProblem: { } problem })
        {
            ModemLog.NoModemControl(logger ?? NullLogger.Instance, transport.Name, problem);
        }

        return new ModemConnection(transport, profile, timeProvider, logger);
    }

    /// <summary>Sets the commands that put the modem into its fax class; they run after every (re-)initialisation.</summary>
    public void SetClassCommands(IReadOnlyList<string> commands) => _classCommands = commands;

    /// <summary>Resets the modem and sends the profile's init commands and the class commands; each must answer OK.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var lease = await Channel.AcquireAsync(Profile.CommandTimeout, cancellationToken).ConfigureAwait(false);
        await InitializeCoreAsync(lease, cancellationToken).ConfigureAwait(false);
        IsBroken = false;
        IsDead = false;
    }

    /// <summary>Throws when the line is broken and has not been re-initialised.</summary>
    public void EnsureUsable()
    {
        if (IsBroken)
        {
            throw new ModemException(IsDead ? ModemFailure.ModemDead : ModemFailure.LineBroken, $"{Name}: the line is broken; re-initialise it first");
        }
    }

    /// <summary>The break for an exception an operation caught.</summary>
    public Task<ModemException> BreakAsync(ModemException failure) => BreakAsync(failure.Failure, failure.Message, failure);

    /// <summary>
    /// Marks the line broken, drops the call, re-initialises the modem and returns the exception the caller throws.
    /// When the modem does not come back the returned exception is <see cref="ModemFailure.ModemDead"/>.
    /// </summary>
    public async Task<ModemException> BreakAsync(ModemFailure failure, string detail, Exception? inner = null)
    {
        IsBroken = true;
        BreakCount++;
        ModemLog.LineBroken(_logger, Name, failure, detail);
        var result = inner as ModemException ?? new ModemException(failure, detail, inner);
        if (failure == ModemFailure.PortClosed)
        {
            // Nothing to talk to: the port is gone (USB unplug). The owner reopens it.
            IsDead = true;
            return result;
        }

        Channel.ResetToCommandMode();
        try
        {
            using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds((Profile.CommandTimeoutMs * 8) + Profile.ResetDelayMs + 5000), Time);
            await using var lease = await Channel.AcquireAsync(Profile.CommandTimeout, budget.Token).ConfigureAwait(false);

            // <DLE><ETX> ends a transmit stream; the CR aborts a receive (any character does) and is ignored in command mode.
            await lease.WriteAsync(new byte[] { Dle.Escape, Dle.Etx, (byte)'\r' }, Profile.CommandTimeout, budget.Token).ConfigureAwait(false);
            await ResynchroniseAsync(lease, budget.Token).ConfigureAwait(false);
            await TryCommandAsync(lease, Profile.HangupCommand, budget.Token).ConfigureAwait(false);
            if (Profile.DtrDropDelayMs > 0)
            {
                await Transport.DropDtrAsync(TimeSpan.FromMilliseconds(Profile.DtrDropDelayMs), Time, budget.Token).ConfigureAwait(false);
            }

            await InitializeCoreAsync(lease, budget.Token).ConfigureAwait(false);
            IsBroken = false;
            return result;
        }
        catch (Exception ex) when (ex is ModemException or OperationCanceledException)
        {
            IsDead = true;
            ModemLog.ReinitFailed(_logger, Name, ex.Message);
            return new ModemException(ModemFailure.ModemDead, $"{detail}; then the modem did not come back after a reset: {ex.Message}", result);
        }
    }

    /// <summary>
    /// Waits until the modem has rung <paramref name="rings"/> times and returns the caller id seen so far (NMBR=,
    /// NAME=, DATE=, TIME=, NDID= usually arrive between the first and second RING).
    /// </summary>
    public async Task<IncomingCall> WaitForRingsAsync(int rings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rings, 1);
        var callerId = CallerId.None;
        var seen = 0;
        DateTimeOffset? first = null;
        try
        {
            while (seen < rings)
            {
                var line = await Channel.Unsolicited.ReadAsync(cancellationToken).ConfigureAwait(false);
                callerId = callerId.With(line);
                if (line.Kind == UnsolicitedKind.Ring)
                {
                    seen++;
                    first ??= line.ReceivedAt;
                }
            }
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw ex.InnerException as ModemException ?? new ModemException(ModemFailure.PortClosed, $"{Name}: the port closed while waiting for a call", ex);
        }

        // Caller id that is already buffered right behind the last RING belongs to this call too.
        while (Channel.Unsolicited.TryPeek(out var next) && next.Kind != UnsolicitedKind.Ring && Channel.Unsolicited.TryRead(out next))
        {
            callerId = callerId.With(next);
        }

        return new IncomingCall(callerId, seen, first!.Value);
    }

    /// <summary>Hangs up (profile hangup command, then DTR drop where available). Failures break the line.</summary>
    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Channel.InDataMode)
            {
                throw new ModemException(ModemFailure.LineBroken, $"{Name}: hangup while the modem is in data mode");
            }

            var response = await Channel.ExecuteAsync(Profile.HangupCommand, Profile.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (!response.IsOk)
            {
                throw new ModemException(AtResultTable.ToFailure(response.Result), $"{Name}: {Profile.HangupCommand} answered {response.ResultText}");
            }
        }
        catch (ModemException ex)
        {
            throw await BreakAsync(ex).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
    }

    private async Task InitializeCoreAsync(AtLease lease, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(Profile.ResetCommand))
        {
            await OkAsync(lease, Profile.ResetCommand, cancellationToken).ConfigureAwait(false);
            if (Profile.ResetDelayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Profile.ResetDelayMs), Time, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var command in Profile.InitCommands.Concat(_classCommands))
        {
            await OkAsync(lease, command, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OkAsync(AtLease lease, string command, CancellationToken cancellationToken)
    {
        var response = await lease.CommandAsync(command, AtCommandKind.Basic, Profile.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            throw new ModemException(AtResultTable.ToFailure(response.Result), $"{Name}: {command} answered {response.ResultText}");
        }
    }

    private async Task ResynchroniseAsync(AtLease lease, CancellationToken cancellationToken)
    {
        // A plain AT until OK: after an abort the modem may still be finishing the aborted command; garbage and
        // late results are skipped rather than trusted.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var response = await lease.CommandAsync("AT", AtCommandKind.Basic, Profile.CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (response.IsOk)
                {
                    return;
                }
            }
            catch (ModemException ex) when (ex.Failure is ModemFailure.Garbage or ModemFailure.Timeout)
            {
                Channel.ResetToCommandMode();
            }
        }

        throw new ModemException(ModemFailure.ModemDead, $"{Name}: no OK to AT after three tries");
    }

    private async Task TryCommandAsync(AtLease lease, string command, CancellationToken cancellationToken)
    {
        try
        {
            await lease.CommandAsync(command, AtCommandKind.Basic, Profile.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ModemException ex) when (ex.Failure is ModemFailure.Garbage or ModemFailure.Timeout)
        {
            Channel.ResetToCommandMode();
        }
    }
}

/// <summary>A ringing line: the caller id gathered and when it started ringing.</summary>
public sealed record IncomingCall(CallerId CallerId, int Rings, DateTimeOffset FirstRingAt);

/// <summary>How a dial or answer ended.</summary>
public enum CallOutcome
{
    /// <summary>The fax connection is up.</summary>
    Connected,

    /// <summary>BUSY.</summary>
    Busy,

    /// <summary>NO ANSWER.</summary>
    NoAnswer,

    /// <summary>NO CARRIER: no fax answer tone / handshake.</summary>
    NoCarrier,

    /// <summary>NO DIALTONE.</summary>
    NoDialtone,

    /// <summary>ERROR (for ATA: not ringing).</summary>
    Error,

    /// <summary>DELAYED/BLACKLISTED.</summary>
    DialBarred,
}

/// <summary>Maps result codes to <see cref="CallOutcome"/>.</summary>
public static class CallOutcomes
{
    /// <summary>The outcome of a dial/answer result code.</summary>
    public static CallOutcome FromResult(AtResultCode code) => code switch
    {
        AtResultCode.Connect or AtResultCode.Ok => CallOutcome.Connected,
        AtResultCode.Busy => CallOutcome.Busy,
        AtResultCode.NoAnswer => CallOutcome.NoAnswer,
        AtResultCode.NoCarrier => CallOutcome.NoCarrier,
        AtResultCode.NoDialtone => CallOutcome.NoDialtone,
        AtResultCode.DialBarred => CallOutcome.DialBarred,
        _ => CallOutcome.Error,
    };
}
