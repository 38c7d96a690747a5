using System.Security.Cryptography;

namespace FaxGateway.Core;

/// <summary>Opaque ids in the formats FAX.PLUS clients have seen (lower-case hex of a given length).</summary>
public static class FaxIds
{
    /// <summary>24 hex chars: fax records, webhooks, sessions.</summary>
    public static string NewShort() => NewHex(24);

    /// <summary>32 hex chars: accounts, outbox entries, jobs, files.</summary>
    public static string NewLong() => NewHex(32);

    public static string NewHex(int length)
    {
        Span<byte> bytes = stackalloc byte[(length + 1) / 2];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes)[..length];
    }
}
