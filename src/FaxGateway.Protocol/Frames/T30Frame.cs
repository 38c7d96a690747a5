namespace FaxGateway.Protocol.Frames;

/// <summary>
/// One T.30 HDLC frame as raw Class 1 bytes: address (0xFF), control (0x03, or 0x13 on the final
/// frame), FCF and the optional FIF. The FCS is not part of it: a Class 1 modem appends it on
/// transmit, and the driver strips the two FCS octets it delivers on receive.
/// </summary>
public sealed class T30Frame
{
    public const byte Address = 0xFF;
    public const byte ControlNotFinal = 0x03;
    public const byte ControlFinal = 0x13;

    /// <summary>Longest FIF we accept: a V.21 frame is at most 3 s at 300 bit/s (about 112 octets);
    /// ECM data frames carry up to 256 octets plus the frame number.</summary>
    public const int MaxFifLength = 260;

    private readonly byte[] _bytes;

    private T30Frame(byte[] bytes) => _bytes = bytes;

    /// <summary>The raw bytes: address, control, FCF, FIF.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    public byte Control => _bytes[1];

    /// <summary>The final-frame bit of the control field (0x10).</summary>
    public bool IsFinal => (_bytes[1] & 0x10) != 0;

    /// <summary>The raw FCF byte including the X bit.</summary>
    public byte RawFcf => _bytes[2];

    public FrameType Type => Fcf.TypeOf(_bytes[2]);

    public bool XBit => Fcf.HasXBit(_bytes[2]);

    public ReadOnlyMemory<byte> Fif => _bytes.AsMemory(3);

    public int Length => _bytes.Length;

    /// <summary>Parses received frame bytes (without FCS). Raises <see cref="T30FrameException"/> on garbage.</summary>
    public static T30Frame Parse(ReadOnlySpan<byte> frame)
    {
        if (!TryParse(frame, out var parsed, out var error))
        {
            T30FrameException.Throw(error);
        }

        return parsed;
    }

    /// <summary>Parses received frame bytes; false with a reason for garbage.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out T30Frame parsed, out string error)
    {
        parsed = null!;
        if (frame.Length < 3)
        {
            error = $"frame of {frame.Length} octets is shorter than address, control and FCF";
            return false;
        }

        if (frame[0] != Address)
        {
            error = $"address octet 0x{frame[0]:X2} is not 0xFF";
            return false;
        }

        if ((frame[1] & 0xEF) != ControlNotFinal)
        {
            error = $"control octet 0x{frame[1]:X2} is neither 0x03 nor 0x13";
            return false;
        }

        if (frame.Length - 3 > MaxFifLength)
        {
            error = $"FIF of {frame.Length - 3} octets is longer than {MaxFifLength}";
            return false;
        }

        parsed = new T30Frame(frame.ToArray());
        error = string.Empty;
        return true;
    }

    /// <summary>Builds a frame to send.</summary>
    public static T30Frame Create(FrameType type, bool xBit, ReadOnlySpan<byte> fif, bool final)
    {
        if (fif.Length > MaxFifLength)
        {
            T30FrameException.Throw($"FIF of {fif.Length} octets is longer than {MaxFifLength}");
        }

        var bytes = new byte[3 + fif.Length];
        bytes[0] = Address;
        bytes[1] = final ? ControlFinal : ControlNotFinal;
        bytes[2] = Fcf.ToRaw(type, xBit);
        fif.CopyTo(bytes.AsSpan(3));
        return new T30Frame(bytes);
    }

    /// <summary>The same frame with the final bit set or cleared.</summary>
    public T30Frame WithFinal(bool final)
    {
        if (final == IsFinal)
        {
            return this;
        }

        var bytes = (byte[])_bytes.Clone();
        bytes[1] = final ? ControlFinal : ControlNotFinal;
        return new T30Frame(bytes);
    }

    public override string ToString()
    {
        var name = Fcf.IsKnown(Type) ? Type.ToString().ToUpperInvariant() : $"FCF 0x{RawFcf:X2}";
        return Fif.Length == 0 ? name : $"{name} [{Convert.ToHexString(Fif.Span)}]";
    }
}
