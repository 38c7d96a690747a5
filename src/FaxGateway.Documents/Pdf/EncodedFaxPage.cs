namespace FaxGateway.Documents.Pdf;

/// <summary>
/// One fax page as coded data, ready to embed: T.6 (MMR) with MSB-first bit order, the page's
/// geometry and its resolution (so a 204×98 page gets a 2:1 taller pixel in the PDF, not a squashed page).
/// </summary>
public sealed record EncodedFaxPage(int Width, int Height, double XDpi, double YDpi, ReadOnlyMemory<byte> Mmr)
{
    /// <summary>Page width in PDF points (1/72 in).</summary>
    public double WidthPoints => Width / XDpi * 72.0;

    /// <summary>Page height in PDF points (1/72 in).</summary>
    public double HeightPoints => Height / YDpi * 72.0;
}
