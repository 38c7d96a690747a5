using System.Globalization;

namespace FaxGateway.Modems.Class2;

/// <summary>
/// Why a Class 2/2.0 modem ended the fax session (+FHNG in SP-2388-A, +FHS in T.32/TIA-592), grouped by
/// T.30 phase as in HylaFAX <c>faxd/Class2.c++</c>. Closed: unknown vendor codes map to <see cref="Unknown"/>.
/// </summary>
public enum Class2HangupReason
{
    /// <summary>0: normal end of the call.</summary>
    Normal,

    /// <summary>1: ring detect without a successful handshake.</summary>
    RingWithoutHandshake,

    /// <summary>2: call aborted from +FK/+FKS or CAN.</summary>
    Aborted,

    /// <summary>3: no loop current.</summary>
    NoLoopCurrent,

    /// <summary>4: ringback detected, no answer (timeout).</summary>
    RingbackNoAnswer,

    /// <summary>5: ringback detected, answer without CED.</summary>
    AnswerWithoutCed,

    /// <summary>10: unspecified phase A error.</summary>
    PhaseAUnspecified,

    /// <summary>11: no answer (T.30 T1 timeout).</summary>
    NoAnswerT1,

    /// <summary>20: unspecified transmit phase B error.</summary>
    TransmitPhaseBUnspecified,

    /// <summary>21: remote cannot be polled.</summary>
    RemoteCannotBePolled,

    /// <summary>22: COMREC error in transmit phase B / got DCN.</summary>
    TransmitPhaseBComrecError,

    /// <summary>23: COMREC invalid command received / no DIS or DTC.</summary>
    TransmitPhaseBInvalidCommand,

    /// <summary>24: RSPREC error / got DCN.</summary>
    TransmitPhaseBResponseError,

    /// <summary>25: DCS sent three times without response.</summary>
    DcsNoResponse,

    /// <summary>26: DIS/DTC received three times; DCS not recognised.</summary>
    DcsNotRecognised,

    /// <summary>27: failure to train at 2400 bit/s or at the +FMS/+FMINSP minimum.</summary>
    TrainingFailure,

    /// <summary>28: RSPREC invalid response received.</summary>
    TransmitPhaseBInvalidResponse,

    /// <summary>40: unspecified transmit phase C error.</summary>
    TransmitPhaseCUnspecified,

    /// <summary>41: unspecified image format error.</summary>
    ImageFormatError,

    /// <summary>42: image conversion error.</summary>
    ImageConversionError,

    /// <summary>43: DTE to DCE data underflow.</summary>
    DataUnderflow,

    /// <summary>44: unrecognised transparent data command.</summary>
    UnrecognisedDataCommand,

    /// <summary>45: image error, line length wrong.</summary>
    LineLengthWrong,

    /// <summary>46: image error, page length wrong.</summary>
    PageLengthWrong,

    /// <summary>47: image error, wrong compression code.</summary>
    WrongCompression,

    /// <summary>50: unspecified transmit phase D error (including the +FCT/+FPHCTO timeout).</summary>
    TransmitPhaseDUnspecified,

    /// <summary>51: RSPREC error / got DCN.</summary>
    TransmitPhaseDResponseError,

    /// <summary>52: no response to MPS repeated three times.</summary>
    MpsNoResponse,

    /// <summary>53: invalid response to MPS.</summary>
    MpsInvalidResponse,

    /// <summary>54: no response to EOP repeated three times.</summary>
    EopNoResponse,

    /// <summary>55: invalid response to EOP.</summary>
    EopInvalidResponse,

    /// <summary>56: no response to EOM repeated three times.</summary>
    EomNoResponse,

    /// <summary>57: invalid response to EOM.</summary>
    EomInvalidResponse,

    /// <summary>58: unable to continue after PIN or PIP.</summary>
    TransmitUnableToContinue,

    /// <summary>70: unspecified receive phase B error.</summary>
    ReceivePhaseBUnspecified,

    /// <summary>71: RSPREC error / got DCN.</summary>
    ReceivePhaseBResponseError,

    /// <summary>72: COMREC error.</summary>
    ReceivePhaseBComrecError,

    /// <summary>73: T.30 T2 timeout, expected page not received.</summary>
    PageNotReceivedT2,

    /// <summary>74: T.30 T1 timeout after EOM.</summary>
    EomT1Timeout,

    /// <summary>90: unspecified receive phase C error.</summary>
    ReceivePhaseCUnspecified,

    /// <summary>91: missing EOL after 5 seconds.</summary>
    MissingEol,

    /// <summary>92 (2.0) / 94 (2388-A): bad CRC or frame (ECM).</summary>
    BadCrcOrFrame,

    /// <summary>93: DCE to DTE buffer overflow.</summary>
    ReceiveBufferOverflow,

    /// <summary>A0 (2.0) / 100 (2388-A): unspecified receive phase D error.</summary>
    ReceivePhaseDUnspecified,

    /// <summary>A1 / 101: RSPREC invalid response received.</summary>
    ReceivePhaseDInvalidResponse,

    /// <summary>A2 / 102: COMREC invalid response received.</summary>
    ReceivePhaseDInvalidCommand,

    /// <summary>A3 / 103: unable to continue after PIN or PIP.</summary>
    ReceiveUnableToContinue,

    /// <summary>A vendor code not in T.32 or SP-2388-A (E0 Agere, 128-135 Everex, ...).</summary>
    Unknown,
}

/// <summary>A parsed hangup report: the code as the modem wrote it and its meaning.</summary>
public sealed record Class2HangupStatus(string Code, int Value, Class2HangupReason Reason)
{
    /// <summary>True for the normal end of a call.</summary>
    public bool IsNormal => Reason == Class2HangupReason.Normal;
}

/// <summary>Maps hangup codes to <see cref="Class2HangupReason"/> for both dialects.</summary>
public static class Class2HangupCodes
{
    // Codes shared by both dialects; T.32 writes them as two hex digits that read like the decimal 2388-A codes
    // below 0x90 ("+FHS:25" = 2388-A "+FHNG:25"), so both are indexed by the digits as written.
    private static readonly Dictionary<string, Class2HangupReason> Shared = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0"] = Class2HangupReason.Normal,
        ["1"] = Class2HangupReason.RingWithoutHandshake,
        ["2"] = Class2HangupReason.Aborted,
        ["3"] = Class2HangupReason.NoLoopCurrent,
        ["4"] = Class2HangupReason.RingbackNoAnswer,
        ["5"] = Class2HangupReason.AnswerWithoutCed,
        ["10"] = Class2HangupReason.PhaseAUnspecified,
        ["11"] = Class2HangupReason.NoAnswerT1,
        ["20"] = Class2HangupReason.TransmitPhaseBUnspecified,
        ["21"] = Class2HangupReason.RemoteCannotBePolled,
        ["22"] = Class2HangupReason.TransmitPhaseBComrecError,
        ["23"] = Class2HangupReason.TransmitPhaseBInvalidCommand,
        ["24"] = Class2HangupReason.TransmitPhaseBResponseError,
        ["25"] = Class2HangupReason.DcsNoResponse,
        ["26"] = Class2HangupReason.DcsNotRecognised,
        ["27"] = Class2HangupReason.TrainingFailure,
        ["28"] = Class2HangupReason.TransmitPhaseBInvalidResponse,
        ["40"] = Class2HangupReason.TransmitPhaseCUnspecified,
        ["41"] = Class2HangupReason.ImageFormatError,
        ["42"] = Class2HangupReason.ImageConversionError,
        ["43"] = Class2HangupReason.DataUnderflow,
        ["44"] = Class2HangupReason.UnrecognisedDataCommand,
        ["45"] = Class2HangupReason.LineLengthWrong,
        ["46"] = Class2HangupReason.PageLengthWrong,
        ["47"] = Class2HangupReason.WrongCompression,
        ["50"] = Class2HangupReason.TransmitPhaseDUnspecified,
        ["51"] = Class2HangupReason.TransmitPhaseDResponseError,
        ["52"] = Class2HangupReason.MpsNoResponse,
        ["53"] = Class2HangupReason.MpsInvalidResponse,
        ["54"] = Class2HangupReason.EopNoResponse,
        ["55"] = Class2HangupReason.EopInvalidResponse,
        ["56"] = Class2HangupReason.EomNoResponse,
        ["57"] = Class2HangupReason.EomInvalidResponse,
        ["58"] = Class2HangupReason.TransmitUnableToContinue,
        ["70"] = Class2HangupReason.ReceivePhaseBUnspecified,
        ["71"] = Class2HangupReason.ReceivePhaseBResponseError,
        ["72"] = Class2HangupReason.ReceivePhaseBComrecError,
        ["73"] = Class2HangupReason.PageNotReceivedT2,
        ["74"] = Class2HangupReason.EomT1Timeout,
        ["90"] = Class2HangupReason.ReceivePhaseCUnspecified,
        ["91"] = Class2HangupReason.MissingEol,
        ["93"] = Class2HangupReason.ReceiveBufferOverflow,
    };

    private static readonly Dictionary<string, Class2HangupReason> Class20Only = new(StringComparer.OrdinalIgnoreCase)
    {
        ["92"] = Class2HangupReason.BadCrcOrFrame,
        ["A0"] = Class2HangupReason.ReceivePhaseDUnspecified,
        ["A1"] = Class2HangupReason.ReceivePhaseDInvalidResponse,
        ["A2"] = Class2HangupReason.ReceivePhaseDInvalidCommand,
        ["A3"] = Class2HangupReason.ReceiveUnableToContinue,
    };

    private static readonly Dictionary<string, Class2HangupReason> Class2Only = new(StringComparer.OrdinalIgnoreCase)
    {
        ["94"] = Class2HangupReason.BadCrcOrFrame,
        ["100"] = Class2HangupReason.ReceivePhaseDUnspecified,
        ["101"] = Class2HangupReason.ReceivePhaseDInvalidResponse,
        ["102"] = Class2HangupReason.ReceivePhaseDInvalidCommand,
        ["103"] = Class2HangupReason.ReceiveUnableToContinue,
    };

    /// <summary>Parses the code of a +FHS (Class 2.0, hex digits) or +FHNG (Class 2, decimal) report.</summary>
    public static Class2HangupStatus Parse(string code, Class2Dialect dialect)
    {
        var trimmed = code.Trim();
        // "00" and "0" are the same code; strip leading zeros but keep one digit.
        var key = trimmed.TrimStart('0');
        if (key.Length == 0)
        {
            key = "0";
        }

        var reason = Shared.TryGetValue(key, out var r) ? r
            : (dialect == Class2Dialect.Class20 ? Class20Only : Class2Only).TryGetValue(key, out r) ? r
            : Class2HangupReason.Unknown;
        var style = dialect == Class2Dialect.Class20 ? NumberStyles.HexNumber : NumberStyles.Integer;
        var value = int.TryParse(trimmed, style, CultureInfo.InvariantCulture, out var v) ? v : -1;
        return new Class2HangupStatus(trimmed, value, reason);
    }
}

/// <summary>Which of the two service-class-2 command sets a modem speaks.</summary>
public enum Class2Dialect
{
    /// <summary>SP-2388-A "Class 2" (+FDCC, +FLID, +FHNG, XON before data, <c>&lt;DLE&gt;&lt;ETX&gt;</c> + +FET).</summary>
    Class2,

    /// <summary>TIA-592 / ITU T.32 "Class 2.0" (+FCC, +FLI, +FHS, <c>&lt;DLE&gt;</c> page markers).</summary>
    Class20,
}
