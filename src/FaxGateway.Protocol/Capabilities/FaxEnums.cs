namespace FaxGateway.Protocol.Capabilities;

/// <summary>Vertical/horizontal resolutions. DIS/DTC carry a set; DCS exactly one.</summary>
[Flags]
public enum FaxResolution
{
    None = 0,
    /// <summary>R8 x 3.85 l/mm (204 x 98).</summary>
    Standard = 1,
    /// <summary>R8 x 7.7 l/mm (204 x 196), DIS/DCS bit 15.</summary>
    Fine = 2,
    /// <summary>R8 x 15.4 l/mm (204 x 391), bit 41.</summary>
    Superfine = 4,
    /// <summary>300 x 300 pels/25.4 mm, bit 42.</summary>
    R300 = 8,
    /// <summary>R16 x 15.4 l/mm / 400 x 400 pels/25.4 mm, bit 43.</summary>
    R400 = 16,
}

/// <summary>Page coding. DIS/DTC carry a set; DCS exactly one.</summary>
[Flags]
public enum FaxCompression
{
    None = 0,
    /// <summary>T.4 one-dimensional (Modified Huffman), always supported.</summary>
    MH = 1,
    /// <summary>T.4 two-dimensional (Modified READ), bit 16.</summary>
    MR = 2,
    /// <summary>T.6 (Modified Modified READ), bit 31, only with ECM.</summary>
    MMR = 4,
}

/// <summary>Scan line width.</summary>
public enum PageWidth
{
    /// <summary>215 mm, 1728 pels.</summary>
    W1728 = 0,
    /// <summary>255 mm, 2048 pels.</summary>
    W2048 = 1,
    /// <summary>303 mm, 2432 pels.</summary>
    W2432 = 2,
}

/// <summary>Recording length.</summary>
public enum PageLength
{
    A4 = 0,
    B4 = 1,
    Unlimited = 2,
}

/// <summary>Helpers for the enums.</summary>
public static class FaxFormat
{
    public static int Pixels(this PageWidth width) => width switch
    {
        PageWidth.W2048 => 2048,
        PageWidth.W2432 => 2432,
        _ => 1728,
    };

    /// <summary>Whether the resolution counts as "higher than standard" for the halved scan-time rule.</summary>
    public static bool IsHigherThanStandard(this FaxResolution resolution) => resolution != FaxResolution.Standard;
}
