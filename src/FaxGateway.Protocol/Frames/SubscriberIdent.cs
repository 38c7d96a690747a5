using System.Text;

namespace FaxGateway.Protocol.Frames;

/// <summary>
/// TSI/CSI/CIG (and SUB/SID/PWD/SEP) 20-character identifications: printable ASCII, space padded,
/// sent last character first (T.30 5.3.6.2.4; spandsp <c>send_20digit_msg_frame</c>).
/// </summary>
public static class SubscriberIdent
{
    public const int Length = 20;

    /// <summary>Encodes an ident (at most 20 characters, printable ASCII) into its 20-octet FIF.</summary>
    public static byte[] Encode(string ident)
    {
        ArgumentNullException.ThrowIfNull(ident);
        if (ident.Length > Length)
        {
            T30FrameException.Throw($"ident '{ident}' is longer than {Length} characters");
        }

        var fif = new byte[Length];
        for (var i = 0; i < Length; i++)
        {
            var c = i < ident.Length ? ident[i] : ' ';
            if (c < 0x20 || c > 0x7E)
            {
                T30FrameException.Throw($"ident '{ident}' holds a non-printable character");
            }

            // Last character first on the line.
            fif[Length - 1 - i] = (byte)c;
        }

        return fif;
    }

    /// <summary>Decodes a received ident FIF (any length up to 20; tolerant of junk octets, which become '?').</summary>
    public static string Decode(ReadOnlySpan<byte> fif)
    {
        var n = Math.Min(fif.Length, Length);
        var sb = new StringBuilder(n);
        for (var i = n - 1; i >= 0; i--)
        {
            var b = fif[i];
            sb.Append(b is >= 0x20 and <= 0x7E ? (char)b : '?');
        }

        return sb.ToString().Trim();
    }
}
