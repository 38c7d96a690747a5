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
        // StbImageSharp loops forever on some cut-short files (a segment length past the end): the container
        // structure is walked here first, so only complete files reach it.
        if (type == DocumentType.Png)
        {
            CheckPngChunks(content);
        }
        else
        {
            CheckJpegSegments(content);
        }

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

    /// <summary>PNG: signature, then chunks (length, type, data, CRC) that fit the file, ending with IEND.</summary>
    internal static void CheckPngChunks(ReadOnlySpan<byte> content)
    {
        var at = 8;
        while (true)
        {
            if (at + 12 > content.Length)
            {
                DocumentException.Throw(DocumentProblem.Truncated, $"The PNG image is truncated: it ends at byte {content.Length} inside a chunk header, before its IEND chunk.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(content[at..]);
            if (length > int.MaxValue || at + 12L + length > content.Length)
            {
                DocumentException.Throw(DocumentProblem.Truncated, $"The PNG image is truncated: a chunk at byte {at} claims {length} bytes, more than the file holds.");
            }

            if (content.Slice(at + 4, 4).SequenceEqual("IEND"u8))
            {
                return;
            }

            at += 12 + (int)length;
        }
    }

    /// <summary>JPEG: marker segments whose lengths fit the file up to the scan, and an end-of-image marker (FFD9) at the end.</summary>
    internal static void CheckJpegSegments(ReadOnlySpan<byte> content)
    {
        var at = 2;
        while (true)
        {
            if (at + 4 > content.Length)
            {
                DocumentException.Throw(DocumentProblem.Truncated, $"The JPEG image is truncated: it ends at byte {content.Length} before its image data.");
            }

            if (content[at] != 0xFF)
            {
                DocumentException.Throw(DocumentProblem.Corrupt, $"The JPEG image is damaged: no marker at byte {at}.");
            }

            var marker = content[at + 1];
            if (marker == 0xFF)
            {
                // Fill bytes before a marker are allowed (T.81 B.1.1.2).
                at++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                at += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(content[(at + 2)..]);
            if (length < 2 || at + 2 + length > content.Length)
            {
                DocumentException.Throw(DocumentProblem.Truncated, $"The JPEG image is truncated: a segment at byte {at} claims {length} bytes, more than the file holds.");
            }

            at += 2 + length;
            if (marker == 0xDA)
            {
                break;
            }
        }

        // Entropy-coded data follows the first scan; a complete file ends with EOI (some writers add a few bytes after it).
        var tail = content[Math.Max(at, content.Length - 256)..];
        if (tail.IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0)
        {
            DocumentException.Throw(DocumentProblem.Truncated, "The JPEG image is truncated: it has no end-of-image marker.");
        }
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
