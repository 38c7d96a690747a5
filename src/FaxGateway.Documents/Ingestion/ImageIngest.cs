using System.Buffers.Binary;
using FaxGateway.Documents.Raster;
using StbImageSharp;

namespace FaxGateway.Documents.Ingestion;

/// <summary>
/// PNG and JPEG through StbImageSharp, decoded to grey (alpha composited on white paper), sized by the
/// file's own density (PNG pHYs, JPEG JFIF) or 200 dpi when it has none, then fitted to one page.
/// </summary>
internal static class ImageIngest
{
    private const double AssumedDpi = 200;

    public static GreyImage Decode(byte[] content, DocumentType type, long maxPixels)
    {
        ImageInfo? info;
        using (var probe = new MemoryStream(content, writable: false))
        {
            info = ImageInfo.FromStream(probe);
        }

        var name = DocumentSniffer.Describe(type);
        if (info is null)
        {
            throw new DocumentException(DocumentProblem.Corrupt, $"The {name} image header is unreadable.");
        }

        var (width, height) = (info.Value.Width, info.Value.Height);
        if (width <= 0 || height <= 0)
        {
            throw new DocumentException(DocumentProblem.Empty, $"The {name} image has no pixels ({width}×{height}).");
        }

        if ((long)width * height > maxPixels)
        {
            throw new DocumentException(DocumentProblem.TooLarge, $"The {name} image is {width}×{height} pixels; the limit is {maxPixels} pixels.");
        }

        ImageResult decoded;
        try
        {
            decoded = ImageResult.FromMemory(content, ColorComponents.GreyAlpha);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException or OverflowException)
        {
            // stb reports every decode failure as an exception of its own choosing; one domain error names it.
            var truncated = ex.Message.Contains("corrupt", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("EOF", StringComparison.OrdinalIgnoreCase) || ex is IndexOutOfRangeException;
            throw new DocumentException(truncated ? DocumentProblem.Truncated : DocumentProblem.Corrupt, $"The {name} image cannot be decoded ({ex.Message}); it is damaged or cut short.", ex);
        }

        var grey = new byte[width * height];
        var data = decoded.Data;
        for (var i = 0; i < grey.Length; i++)
        {
            // Composite on white: transparent areas are paper, not black.
            int value = data[2 * i], alpha = data[(2 * i) + 1];
            grey[i] = (byte)(((value * alpha) + (255 * (255 - alpha)) + 127) / 255);
        }

        var (xDpi, yDpi) = Density(content, type) ?? (AssumedDpi, AssumedDpi);
        return new GreyImage(width, height, grey, xDpi, yDpi);
    }

    /// <summary>Pixels per inch from PNG pHYs (unit metre) or JPEG JFIF APP0 (unit dpi or dpcm); null when absent or nonsense.</summary>
    internal static (double X, double Y)? Density(ReadOnlySpan<byte> content, DocumentType type)
    {
        (double, double)? Plausible(double x, double y) => x is >= 20 and <= 4800 && y is >= 20 and <= 4800 ? (x, y) : null;

        if (type == DocumentType.Png)
        {
            var at = content.IndexOf("pHYs"u8);
            if (at >= 4 && at + 13 <= content.Length && content[at + 12] == 1)
            {
                var x = BinaryPrimitives.ReadUInt32BigEndian(content[(at + 4)..]) * 0.0254;
                var y = BinaryPrimitives.ReadUInt32BigEndian(content[(at + 8)..]) * 0.0254;
                return Plausible(x, y);
            }

            return null;
        }

        // JFIF: FF D8, FF E0, length, "JFIF\0", version (2), units, Xdensity, Ydensity.
        if (content.Length >= 18 && content[2] == 0xFF && content[3] == 0xE0 && content[6..11].SequenceEqual("JFIF\0"u8))
        {
            var units = content[13];
            double x = BinaryPrimitives.ReadUInt16BigEndian(content[14..]);
            double y = BinaryPrimitives.ReadUInt16BigEndian(content[16..]);
            return units switch
            {
                1 => Plausible(x, y),
                2 => Plausible(x * 2.54, y * 2.54),
                _ => null,
            };
        }

        return null;
    }
}
