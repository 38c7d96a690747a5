using System.Diagnostics.CodeAnalysis;

namespace FaxGateway.Modems;

/// <summary>Why a modem operation failed; bounded, so it can be a metric label.</summary>
public enum ModemFailure
{
    /// <summary>The modem did not answer in time.</summary>
    Timeout,

    /// <summary>The modem sent bytes that are not a valid AT response (noise, wrong speed, binary junk).</summary>
    Garbage,

    /// <summary>A final result code the operation did not expect (for example ERROR after a command that must succeed).</summary>
    UnexpectedResult,

    /// <summary>NO CARRIER: the far end or the line went away.</summary>
    NoCarrier,

    /// <summary>BUSY.</summary>
    Busy,

    /// <summary>NO ANSWER.</summary>
    NoAnswer,

    /// <summary>NO DIALTONE.</summary>
    NoDialtone,

    /// <summary>+FCERROR: a carrier other than the one asked for.</summary>
    CarrierMismatch,

    /// <summary>The port closed or vanished (USB unplug, pty peer gone, TCP reset).</summary>
    PortClosed,

    /// <summary>The line was marked broken by an earlier failure and has not been re-initialised.</summary>
    LineBroken,

    /// <summary>The modem did not come back after a reset and re-initialisation.</summary>
    ModemDead,

    /// <summary>A modem profile (hardware/modems/*.json) is invalid.</summary>
    InvalidProfile,
}

/// <summary>The one domain exception of the modem layer.</summary>
public sealed class ModemException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModemException(ModemFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>The failure class.</summary>
    public ModemFailure Failure { get; }

    [DoesNotReturn]
    internal static void Throw(ModemFailure failure, string message) => throw new ModemException(failure, message);
}
