using FaxGateway.Simulator.Line;

namespace FaxGateway.Simulator.Modem;

/// <summary>Settings of one virtual modem and its line.</summary>
public sealed record VirtualModemOptions
{
    /// <summary>The line's number; null: the exchange assigns the next one.</summary>
    public string? Number { get; init; }

    /// <summary>Caller-id name of the line; null: "FAXGW SIM n".</summary>
    public string? CallerName { get; init; }

    /// <summary>Impairments of what the line receives.</summary>
    public LineImpairments? Impairments { get; init; }

    /// <summary>Answer to <c>ATI3</c> and <c>AT+FMI?</c>.</summary>
    public string Manufacturer { get; init; } = "FaxGateway";

    /// <summary>Answer to <c>ATI</c> and <c>AT+FMM?</c>.</summary>
    public string Model { get; init; } = "FaxGateway virtual Class 1 modem";

    /// <summary>Answer to <c>AT+FMR?</c>.</summary>
    public string Revision { get; init; } = "1.0";

    /// <summary>Caller-id reporting (<c>AT+VCID</c>) at power-on.</summary>
    public bool ShowCallerId { get; init; } = true;

    /// <summary>Known misbehaviours of real modems to reproduce, so drivers can be tested against them.</summary>
    public ModemQuirks Quirks { get; init; } = ModemQuirks.None;

    /// <summary>
    /// The classes <c>AT+FCLASS=?</c> lists and <c>AT+FCLASS=</c> accepts. Class 2 (SP-2388-A) and 2.0 (T.32) run
    /// the project's T.30 engine inside the modem; a modem offers them when they are listed here.
    /// </summary>
    public string FaxClasses { get; init; } = "0,1,1.0";

    /// <summary>The byte a Class 2/2.0 modem waits for after <c>AT+FDR</c>'s CONNECT before it sends page data: DC2 (T.32), or DC1 as many SP-2388-A modems.</summary>
    public byte Class2DataTrigger { get; init; } = 0x12;
}

/// <summary>
/// Misbehaviours of real Class 1 modems (HylaFAX's config/class1 knobs are the catalogue), switched on per
/// virtual modem so the drivers' workarounds can be tested.
/// </summary>
[Flags]
public enum ModemQuirks
{
    /// <summary>Behaves as T.31 says.</summary>
    None = 0,

    /// <summary>
    /// <c>+FTM</c> answers CONNECT at once instead of after training (HylaFAX <c>Class1TMConnectDelay</c>):
    /// the DTE's first data waits in the modem while it trains.
    /// </summary>
    EarlyTransmitConnect = 1,

    /// <summary>
    /// DLE octets inside received V.21 frames reach the DTE undoubled (HylaFAX <c>Class1ModemHasDLEBug</c>).
    /// </summary>
    HdlcDleNotDoubled = 2,
}
