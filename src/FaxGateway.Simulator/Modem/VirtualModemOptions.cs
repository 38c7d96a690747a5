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
}
