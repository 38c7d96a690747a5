namespace FaxGateway.Modems.Framing;

/// <summary>The control characters of the T.31/T.32 DTE-DCE data stream.</summary>
public static class Dle
{
    /// <summary>Data link escape: the escape byte; a data 0x10 travels doubled.</summary>
    public const byte Escape = 0x10;

    /// <summary>End of text: <c>&lt;DLE&gt;&lt;ETX&gt;</c> ends an HDLC frame or a data stream.</summary>
    public const byte Etx = 0x03;

    /// <summary><c>&lt;DLE&gt;&lt;SUB&gt;</c> stands for two data DLEs (T.31 +FDD=1, Class 2.0 receive).</summary>
    public const byte Sub = 0x1A;

    /// <summary>XON: Class 2 modems send it when they are ready for page data; some use it as the receive trigger.</summary>
    public const byte Dc1 = 0x11;

    /// <summary>DC2: the Class 2/2.0 receive trigger ("send me the page data now").</summary>
    public const byte Dc2 = 0x12;

    /// <summary>XOFF: software flow control stop.</summary>
    public const byte Dc3 = 0x13;

    /// <summary>Cancel: a Class 2.0 DTE sends it during data to abort the session.</summary>
    public const byte Can = 0x18;

    /// <summary>Class 2.0 end of page, more pages follow (MPS), sent as <c>&lt;DLE&gt;,</c>.</summary>
    public const byte PageMps = (byte)',';

    /// <summary>Class 2.0 end of page, end of message, another document follows (EOM), <c>&lt;DLE&gt;;</c>.</summary>
    public const byte PageEom = (byte)';';

    /// <summary>Class 2.0 end of page, end of procedure (EOP), <c>&lt;DLE&gt;.</c>.</summary>
    public const byte PageEop = (byte)'.';
}

/// <summary>What a <c>&lt;DLE&gt;</c> sequence other than a doubled DLE meant.</summary>
public enum DleEvent
{
    /// <summary>No escape sequence ended the decode call: all input was data.</summary>
    None = 0,

    /// <summary><c>&lt;DLE&gt;&lt;ETX&gt;</c>: end of frame or end of data.</summary>
    EndOfData,

    /// <summary>Class 2.0 <c>&lt;DLE&gt;,</c>: page ends, more pages follow.</summary>
    PageMps,

    /// <summary>Class 2.0 <c>&lt;DLE&gt;;</c>: page ends, end of document, another follows.</summary>
    PageEom,

    /// <summary>Class 2.0 <c>&lt;DLE&gt;.</c>: page ends, end of procedure.</summary>
    PageEop,

    /// <summary>Any other <c>&lt;DLE&gt;x</c> (for example <c>&lt;DLE&gt;&lt;CAN&gt;</c>): see <see cref="DleDecoder.LastCommand"/>.</summary>
    Command,
}
