using Microsoft.Extensions.Logging;

namespace FaxGateway.Modems;

/// <summary>Source-generated log messages of the modem layer; event ids 3000-3099 are stable.</summary>
internal static partial class ModemLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "{Port} --> {Command}")]
    public static partial void CommandSent(ILogger logger, string port, string command);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "{Port} <-- {Line}")]
    public static partial void LineReceived(ILogger logger, string port, string line);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "{Port}: garbage from the modem: {Line}")]
    public static partial void Garbage(ILogger logger, string port, string line);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "{Port}: discarded stale line {Line}")]
    public static partial void StaleLine(ILogger logger, string port, string line);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "{Port}: line broken ({Failure}): {Detail}")]
    public static partial void LineBroken(ILogger logger, string port, ModemFailure failure, string detail);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "{Port}: re-initialisation after a break failed: {Detail}")]
    public static partial void ReinitFailed(ILogger logger, string port, string detail);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "{Port}: modem-control lines not available ({Detail}); resets use ATZ")]
    public static partial void NoModemControl(ILogger logger, string port, string detail);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "{Port}: data mode ended by {Event}, {Bytes} bytes")]
    public static partial void DataEnded(ILogger logger, string port, Framing.DleEvent @event, long bytes);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "{Port}: dropped a <DLE><ETX> that came outside data mode")]
    public static partial void StrayEndMarker(ILogger logger, string port);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "{Port}: read loop ended: {Detail}")]
    public static partial void ReadLoopEnded(ILogger logger, string port, string detail);
}
