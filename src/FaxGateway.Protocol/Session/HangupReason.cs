namespace FaxGateway.Protocol.Session;

/// <summary>
/// Why a call ended: a closed set following the Class 2/2.0 hangup codes (HylaFAX
/// <c>Class2.c++ hangupCodes</c>; spec 2.3), so Class 1 calls (our engine) and Class 2 calls (the
/// modem's T.30) report the same way. The enum value is the T.32 <c>+FHS:hh</c> code.
/// </summary>
public enum HangupReason
{
    /// <summary>00: normal end of call.</summary>
    Normal = 0x00,
    /// <summary>01: ring detected without successful handshake.</summary>
    RingWithoutHandshake = 0x01,
    /// <summary>02: call aborted by the local side (+FK/+FKS/CAN, or <c>Abort()</c>).</summary>
    CallAborted = 0x02,
    /// <summary>03: no loop current.</summary>
    NoLoopCurrent = 0x03,
    /// <summary>04: ringback detected, no answer.</summary>
    RingbackNoAnswer = 0x04,
    /// <summary>05: ringback detected, answer without CED.</summary>
    RingbackNoCed = 0x05,
    /// <summary>10: unspecified phase A error.</summary>
    PhaseAUnspecified = 0x10,
    /// <summary>11: no answer: T1 expired without the far end identifying itself.</summary>
    T1Timeout = 0x11,
    /// <summary>20: unspecified transmit phase B error.</summary>
    TxPhaseBUnspecified = 0x20,
    /// <summary>21: remote cannot be polled.</summary>
    RemoteCannotBePolled = 0x21,
    /// <summary>22: COMREC error in transmit phase B, or DCN received.</summary>
    TxPhaseBComRecDcn = 0x22,
    /// <summary>23: COMREC invalid command received, no DIS/DTC.</summary>
    TxPhaseBNoDis = 0x23,
    /// <summary>24: RSPREC error in transmit phase B, or DCN received.</summary>
    TxPhaseBRspRecDcn = 0x24,
    /// <summary>25: DCS sent three times without response.</summary>
    DcsNoResponse = 0x25,
    /// <summary>26: DIS/DTC received three times: DCS not recognised.</summary>
    DisReceivedThrice = 0x26,
    /// <summary>27: failure to train at 2400 bit/s (or the minimum speed).</summary>
    FailureToTrain = 0x27,
    /// <summary>28: RSPREC invalid response received in phase B.</summary>
    TxPhaseBInvalidResponse = 0x28,
    /// <summary>40: unspecified transmit phase C error.</summary>
    TxPhaseCUnspecified = 0x40,
    /// <summary>41: unspecified image format error.</summary>
    ImageFormatError = 0x41,
    /// <summary>42: image conversion error.</summary>
    ImageConversionError = 0x42,
    /// <summary>43: DTE to DCE data underflow.</summary>
    DataUnderflow = 0x43,
    /// <summary>50: unspecified transmit phase D error (also: page given up after RTN, T5 expired).</summary>
    TxPhaseDUnspecified = 0x50,
    /// <summary>51: RSPREC error in transmit phase D, or DCN received.</summary>
    TxPhaseDRspRecDcn = 0x51,
    /// <summary>52: no response to MPS repeated three times.</summary>
    MpsNoResponse = 0x52,
    /// <summary>53: invalid response to MPS.</summary>
    MpsInvalidResponse = 0x53,
    /// <summary>54: no response to EOP repeated three times.</summary>
    EopNoResponse = 0x54,
    /// <summary>55: invalid response to EOP.</summary>
    EopInvalidResponse = 0x55,
    /// <summary>56: no response to EOM repeated three times.</summary>
    EomNoResponse = 0x56,
    /// <summary>57: invalid response to EOM.</summary>
    EomInvalidResponse = 0x57,
    /// <summary>58: unable to continue after PIN or PIP.</summary>
    ProcedureInterrupt = 0x58,
    /// <summary>70: unspecified receive phase B error.</summary>
    RxPhaseBUnspecified = 0x70,
    /// <summary>71: RSPREC error in receive phase B, or DCN received.</summary>
    RxPhaseBRspRecDcn = 0x71,
    /// <summary>72: COMREC error in receive phase B.</summary>
    RxPhaseBComRecError = 0x72,
    /// <summary>73: T2 expired while waiting for a page.</summary>
    RxPageNotReceived = 0x73,
    /// <summary>74: T1 expired after EOM.</summary>
    RxT1AfterEom = 0x74,
    /// <summary>90: unspecified receive phase C error.</summary>
    RxPhaseCUnspecified = 0x90,
    /// <summary>91: missing EOL after 5 s.</summary>
    RxMissingEol = 0x91,
    /// <summary>92: bad CRC or frame (ECM mode).</summary>
    RxEcmBadFrame = 0x92,
    /// <summary>93: DCE to DTE buffer overflow.</summary>
    RxBufferOverflow = 0x93,
    /// <summary>A0: unspecified receive phase D error.</summary>
    RxPhaseDUnspecified = 0xA0,
    /// <summary>A1: RSPREC invalid response received in receive phase D.</summary>
    RxPhaseDInvalidResponse = 0xA1,
    /// <summary>A2: COMREC invalid command received in receive phase D.</summary>
    RxPhaseDInvalidCommand = 0xA2,
    /// <summary>A3: unable to continue after PIN or PIP (receive).</summary>
    RxProcedureInterrupt = 0xA3,
}

/// <summary>Conversions between <see cref="HangupReason"/> and the Class 2.0 (+FHS, hex) and Class 2 (+FHNG, decimal) codes.</summary>
public static class HangupCodes
{
    /// <summary>The T.32 <c>+FHS:hh</c> value (print with "X2").</summary>
    public static byte ToFhs(this HangupReason reason) => (byte)reason;

    /// <summary>The reason for a <c>+FHS</c> value; unknown codes map to the unspecified code of their phase.</summary>
    public static HangupReason FromFhs(byte code)
    {
        var reason = (HangupReason)code;
        if (Enum.IsDefined(reason))
        {
            return reason;
        }

        return (code & 0xF0) switch
        {
            0x00 => HangupReason.Normal,
            0x10 => HangupReason.PhaseAUnspecified,
            0x20 => HangupReason.TxPhaseBUnspecified,
            0x40 => HangupReason.TxPhaseCUnspecified,
            0x50 => HangupReason.TxPhaseDUnspecified,
            0x70 => HangupReason.RxPhaseBUnspecified,
            0x90 => HangupReason.RxPhaseCUnspecified,
            0xA0 => HangupReason.RxPhaseDUnspecified,
            _ => HangupReason.PhaseAUnspecified,
        };
    }

    /// <summary>The SP-2388-A <c>+FHNG:n</c> decimal value: the same digits, except A0-A3 (100-103) and ECM bad frame (94).</summary>
    public static int ToFhng(this HangupReason reason)
    {
        var code = (int)reason;
        if (reason == HangupReason.RxEcmBadFrame)
        {
            return 94;
        }

        return code >= 0xA0 ? 100 + (code - 0xA0) : ((code >> 4) * 10) + (code & 0x0F);
    }

    /// <summary>The reason for a <c>+FHNG</c> decimal value.</summary>
    public static HangupReason FromFhng(int code)
    {
        if (code == 94)
        {
            return HangupReason.RxEcmBadFrame;
        }

        if (code is >= 100 and <= 109)
        {
            return FromFhs((byte)(0xA0 + (code - 100)));
        }

        if (code is < 0 or > 99)
        {
            return HangupReason.PhaseAUnspecified;
        }

        return FromFhs((byte)(((code / 10) << 4) | (code % 10)));
    }
}
