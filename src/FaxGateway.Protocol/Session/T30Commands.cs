using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Session;

/// <summary>
/// What the engine asks the modem driver to do. The driver runs the commands of one batch in order.
/// A batch holds at most one transmitting command (<see cref="SendFrames"/>, <see cref="SendTcf"/>,
/// <see cref="SendImage"/>, <see cref="SendEcmBlock"/>), always last and possibly preceded by
/// <see cref="Silence"/>; when it has been sent completely the driver calls
/// <see cref="T30Session.OnTransmitComplete"/>. A receiving command stays armed until the engine issues
/// another command.
/// </summary>
public abstract record T30Command;

/// <summary>Listen for V.21 HDLC frames (Class 1 <c>AT+FRH=3</c>, re-issued after each frame) and pass each
/// to <see cref="T30Session.OnFrame"/>. <see cref="Timeout"/> is informative: the engine's own deadline
/// (<see cref="T30Session.NextDeadline"/>) decides.</summary>
public sealed record ReceiveHdlc(TimeSpan Timeout) : T30Command;

/// <summary>Send these frames on V.21 (Class 1 <c>AT+FTH=3</c>), one after the other; the last one has the
/// final bit (control 0x13). Frames hold address, control, FCF, FIF; the modem adds the FCS.</summary>
public sealed record SendFrames(IReadOnlyList<T30Frame> Frames) : T30Command
{
    /// <summary>The frames by name with their information fields, as a trace shows them ("SendFrames TSI [..], DCS [..]").</summary>
    public override string ToString() => "SendFrames " + string.Join(", ", Frames);
}

/// <summary>Send TCF: zeros for <see cref="Duration"/> at <see cref="Rate"/> with long training
/// (<c>AT+FTM=</c><see cref="FaxRate.Class1Code"/>(false)); <see cref="Octets"/> zero octets.</summary>
public sealed record SendTcf(FaxRate Rate, TimeSpan Duration) : T30Command
{
    public int Octets => Rate.TcfOctets(Duration);
}

/// <summary>Receive TCF at <see cref="Rate"/> (long training) and report it with <see cref="T30Session.OnTcf"/>.</summary>
public sealed record ReceiveTcf(FaxRate Rate) : T30Command;

/// <summary>Send one non-ECM page: the coded bytes (line order, RTC included, padded to the scan time)
/// at <see cref="Rate"/> (<c>AT+FTM=</c><see cref="FaxRate.Class1Code"/>(<see cref="ShortTraining"/>)).</summary>
public sealed record SendImage(FaxRate Rate, bool ShortTraining, ReadOnlyMemory<byte> Data) : T30Command;

/// <summary>Send an ECM partial page at <see cref="Rate"/>: each frame (FF 03 06 nn data, then three
/// FF 03 86 RCP) HDLC-framed by the driver (flags, zero-bit insertion, CRC-16 FCS) over <c>AT+FTM</c>.</summary>
public sealed record SendEcmBlock(FaxRate Rate, bool ShortTraining, IReadOnlyList<T30Frame> Frames) : T30Command;

/// <summary>Receive phase C at <see cref="Rate"/> (<c>AT+FRM</c>). Non-ECM: pass data with
/// <see cref="T30Session.OnPageData"/> and the end (DLE ETX / NO CARRIER) with <see cref="T30Session.OnPageEnd"/>.
/// ECM: de-frame HDLC and pass each frame with <see cref="T30Session.OnFrame"/>, then <see cref="T30Session.OnPageEnd"/>
/// at the carrier drop. If V.21 flags arrive instead (+FCERROR), report <see cref="T30Session.OnCarrier"/>(V21, true).</summary>
public sealed record ReceiveImage(FaxRate Rate, bool ShortTraining, bool Ecm, int EcmFrameSize) : T30Command;

/// <summary>Keep the line silent for at least this long before the next transmission (<c>AT+FRS</c>/<c>AT+FTS</c>).</summary>
public sealed record Silence(TimeSpan Duration) : T30Command;

/// <summary>The call is over: hang up (<c>ATH</c>). The result is in <see cref="T30Session.Result"/>.</summary>
public sealed record Hangup(HangupReason Reason) : T30Command;
