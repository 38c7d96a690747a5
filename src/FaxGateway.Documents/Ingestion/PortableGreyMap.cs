using System.Globalization;

namespace FaxGateway.Documents.Ingestion;

/// <summary>
/// Reads binary PGM (P5, maxval 255) frames back to back from a stream, as Ghostscript's pgmraw device writes
/// them to stdout: one frame per page, so pages are normalised while Ghostscript renders the next one.
/// </summary>
internal static class PortableGreyMap
{
    private const int MaxHeaderToken = 32;

    /// <summary>Next frame, or null at a clean end of stream. A frame cut short is a <see cref="DocumentException"/>.</summary>
    public static async Task<(int Width, int Height, byte[] Pixels)?> ReadFrameAsync(Stream stream, long maxPixels, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        var magic = await ReadTokenAsync(stream, one, cancellationToken).ConfigureAwait(false);
        if (magic is null)
        {
            return null;
        }

        if (magic != "P5")
        {
            throw new DocumentException(DocumentProblem.RasteriserFailed, $"Ghostscript wrote \"{magic}\" where a PGM page header (P5) was expected.");
        }

        var width = ParseNumber(await ReadTokenAsync(stream, one, cancellationToken).ConfigureAwait(false));
        var height = ParseNumber(await ReadTokenAsync(stream, one, cancellationToken).ConfigureAwait(false));
        var maxValue = ParseNumber(await ReadTokenAsync(stream, one, cancellationToken).ConfigureAwait(false));
        if (maxValue != 255 || width <= 0 || height <= 0)
        {
            throw new DocumentException(DocumentProblem.RasteriserFailed, $"Ghostscript wrote an unexpected PGM page ({width}×{height}, maxval {maxValue}).");
        }

        if ((long)width * height > maxPixels)
        {
            throw new DocumentException(DocumentProblem.TooLarge, $"A rendered page of {width}×{height} pixels exceeds the limit of {maxPixels}.");
        }

        var pixels = new byte[width * height];
        try
        {
            await stream.ReadExactlyAsync(pixels, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new DocumentException(DocumentProblem.RasteriserFailed, "Ghostscript stopped in the middle of a page.", ex);
        }

        return (width, height, pixels);
    }

    /// <summary>One whitespace-separated header token; '#' comments run to the end of the line.</summary>
    private static async Task<string?> ReadTokenAsync(Stream stream, byte[] one, CancellationToken cancellationToken)
    {
        var token = new System.Text.StringBuilder();
        var inComment = false;
        while (true)
        {
            var read = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (token.Length == 0)
                {
                    return null;
                }

                throw new DocumentException(DocumentProblem.RasteriserFailed, "Ghostscript's output ended inside a PGM header.");
            }

            var c = (char)one[0];
            if (inComment)
            {
                inComment = c != '\n';
                continue;
            }

            if (c == '#')
            {
                inComment = true;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (token.Length > 0)
                {
                    return token.ToString();
                }

                continue;
            }

            if (token.Length >= MaxHeaderToken)
            {
                throw new DocumentException(DocumentProblem.RasteriserFailed, "Ghostscript wrote a malformed PGM header.");
            }

            token.Append(c);
        }
    }

    private static int ParseNumber(string? token) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DocumentException(DocumentProblem.RasteriserFailed, $"Ghostscript wrote a PGM header field \"{token}\" that is not a number.");
}
