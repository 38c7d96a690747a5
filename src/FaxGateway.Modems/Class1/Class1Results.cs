namespace FaxGateway.Modems.Class1;

/// <summary>How an HDLC receive (+FRH=3) ended.</summary>
public enum HdlcReceiveStatus
{
    /// <summary>A frame arrived; see <see cref="HdlcReceiveResult.FcsOk"/>.</summary>
    Frame,

    /// <summary>No V.21 flags within the timeout (the receive was aborted).</summary>
    Timeout,

    /// <summary>+FCERROR: a high-speed carrier was heard instead.</summary>
    CarrierMismatch,

    /// <summary>NO CARRIER: the carrier went away before a frame.</summary>
    NoCarrier,

    /// <summary>ERROR without a frame.</summary>
    Error,
}

/// <summary>
/// One received V.21 HDLC frame as the raw bytes the modem delivered (spandsp convention: address FF, control
/// 03/13, FCF, FIF; LSB-first line order, DIS FCF reads 0x80), without the FCS; the FCS verdict is the modem's
/// OK (good) or ERROR (bad).
/// </summary>
public sealed record HdlcReceiveResult(HdlcReceiveStatus Status, byte[] Frame, bool FcsOk)
{
    /// <summary>True when the control field has the final-frame bit (0x13): no more frames follow in this burst.</summary>
    public bool IsFinal => Frame.Length >= 2 && (Frame[1] & 0x10) != 0;

    /// <summary>The FCF octet, or null when the frame is too short.</summary>
    public byte? Fcf => Frame.Length >= 3 ? Frame[2] : null;

    /// <summary>A receive that ended without a frame.</summary>
    public static HdlcReceiveResult Without(HdlcReceiveStatus status) => new(status, [], false);
}

/// <summary>How a +FRM high-speed receive started.</summary>
public enum ImageReceiveStatus
{
    /// <summary>CONNECT: the carrier trained; read the data from <see cref="Class1ImageReceiver"/>.</summary>
    Connected,

    /// <summary>+FCERROR after all retries (Class1RMPersistence): another carrier, usually V.21 (the sender repeats a command).</summary>
    CarrierMismatch,

    /// <summary>+FRH:3 (adaptive reception): V.21 flags; call <see cref="Class1Modem.ReceiveFrameAsync"/>.</summary>
    HdlcInstead,

    /// <summary>No carrier within the timeout (the receive was aborted).</summary>
    Timeout,

    /// <summary>NO CARRIER.</summary>
    NoCarrier,

    /// <summary>ERROR.</summary>
    Error,
}

/// <summary>The result of dialling or answering in Class 1.</summary>
public sealed record Class1CallResult(CallOutcome Outcome, string ResultText)
{
    /// <summary>True when the fax connection is up.</summary>
    public bool Connected => Outcome == CallOutcome.Connected;
}
