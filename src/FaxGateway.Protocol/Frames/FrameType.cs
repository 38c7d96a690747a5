namespace FaxGateway.Protocol.Frames;

/// <summary>
/// T.30 facsimile control field (FCF) values as the raw byte a Class 1 modem delivers
/// (spandsp <c>t30_fcf.h</c> convention: the least significant bit is the first bit on the line).
/// For every group except the initial identification group (DIS/CSI/NSF and the DTC/CIG/NSC
/// commands) the low bit is the X bit, so these values carry X = 0.
/// </summary>
public enum FrameType : byte
{
    /// <summary>Used as PPS FCF2 for a partial page that is not the end of a page.</summary>
    Null = 0x00,

    // Initial identification (called station): the low bit tells DIS from DTC, it is not an X bit.
    Dis = 0x80,
    Csi = 0x40,
    Nsf = 0x20,

    // Command to send (polling).
    Dtc = 0x81,
    Cig = 0x41,
    Nsc = 0x21,
    Pwd = 0xC1,
    Sep = 0xA1,

    // Command to receive.
    Dcs = 0x82,
    Tsi = 0x42,
    Nss = 0x22,
    Sub = 0xC2,
    Sid = 0xA2,

    // Pre-message responses.
    Cfr = 0x84,
    Ftt = 0x44,
    Ctr = 0xC4,

    // Post-message commands.
    Eom = 0x8E,
    Mps = 0x4E,
    Eop = 0x2E,
    PriEom = 0x9E,
    PriMps = 0x5E,
    PriEop = 0x3E,
    Pps = 0xBE,
    Eor = 0xCE,
    Rr = 0x6E,
    Ctc = 0x12,

    // Post-message responses.
    Mcf = 0x8C,
    Rtp = 0xCC,
    Rtn = 0x4C,
    Pip = 0xAC,
    Pin = 0x2C,
    Ppr = 0xBC,
    Rnr = 0xEC,
    Err = 0x1C,

    // Other line control.
    Dcn = 0xFA,
    Crp = 0x1A,
    Fnv = 0xCA,

    // ECM phase C frames (T.4 Annex A): facsimile coded data and return to control for partial page.
    Fcd = 0x06,
    Rcp = 0x86,
}

/// <summary>Helpers over raw FCF bytes.</summary>
public static class Fcf
{
    /// <summary>Raw X bit (T.30 notation 0x80): set by the station that received a valid DIS, normally the caller.</summary>
    public const byte XBit = 0x01;

    /// <summary>
    /// The frame type of a raw FCF byte. In the identification group (T.30 bits 2-4 zero: DIS/DTC,
    /// CSI/CIG, NSF/NSC, PWD, SEP...) the low bit is part of the code; everywhere else it is the X bit.
    /// </summary>
    public static FrameType TypeOf(byte rawFcf) =>
        IsIdentificationGroup(rawFcf) ? (FrameType)rawFcf : (FrameType)(rawFcf & 0xFE);

    /// <summary>Whether the raw FCF carries the X bit (always false in the identification group).</summary>
    public static bool HasXBit(byte rawFcf) => !IsIdentificationGroup(rawFcf) && (rawFcf & XBit) != 0;

    /// <summary>The raw byte for a frame type sent by a station that did (or did not) receive the DIS.</summary>
    public static byte ToRaw(FrameType type, bool xBit) =>
        IsIdentificationGroup((byte)type) || !xBit ? (byte)type : (byte)((byte)type | XBit);

    /// <summary>Whether the frame type is one of the T.30 FCFs this engine knows.</summary>
    public static bool IsKnown(FrameType type) => Enum.IsDefined(type);

    /// <summary>True for the post-page messages (MPS/EOM/EOP and their PRI- variants).</summary>
    public static bool IsPostPageMessage(FrameType type) =>
        type is FrameType.Mps or FrameType.Eom or FrameType.Eop or FrameType.PriMps or FrameType.PriEom or FrameType.PriEop;

    /// <summary>Maps a PRI- post-page message to the plain one (we have no operator to interrupt).</summary>
    public static FrameType WithoutProcedureInterrupt(FrameType type) => type switch
    {
        FrameType.PriMps => FrameType.Mps,
        FrameType.PriEom => FrameType.Eom,
        FrameType.PriEop => FrameType.Eop,
        _ => type,
    };

    // T.30 notation puts the X bit first; the raw byte has it as bit 0 and the next three bits
    // (raw 0x0E) are zero only for the initial identification / command-to-send groups.
    private static bool IsIdentificationGroup(byte rawFcf) => (rawFcf & 0x0E) == 0 && (rawFcf & 0xF0) != 0;
}
