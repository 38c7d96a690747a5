namespace FaxGateway.Modems.Transport;

/// <summary>How the DTE and the modem hold each other off.</summary>
public enum FlowControl
{
    /// <summary>No flow control.</summary>
    None,

    /// <summary>Hardware RTS/CTS (the right choice for fax on a real serial or USB modem).</summary>
    RtsCts,

    /// <summary>Software XON/XOFF (Class 2 modems that insist; page data must then not contain DC1/DC3 unescaped).</summary>
    XonXoff,
}

/// <summary>
/// A byte pipe to a modem (design example 9): everything above sees only <see cref="Stream"/>; modem-control
/// lines are optional because ptys and TCP have none.
/// </summary>
public interface IModemTransport : IAsyncDisposable
{
    /// <summary>The duplex byte stream to the modem.</summary>
    Stream Stream { get; }

    /// <summary>A name for logs ("/dev/ttyACM0", "tcp://host:port").</summary>
    string Name { get; }

    /// <summary>False when DTR/RTS/CD cannot be driven or read (pty, TCP); resets then go by ATZ.</summary>
    bool HasModemControl { get; }

    /// <summary>Drops DTR for <paramref name="duration"/> to hang up and reset the modem; returns false when not available.</summary>
    Task<bool> DropDtrAsync(TimeSpan duration, TimeProvider timeProvider, CancellationToken cancellationToken);

    /// <summary>Carrier detect, or null when the transport cannot tell.</summary>
    bool? CarrierDetect { get; }
}
