namespace FaxGateway.Documents.Raster;

/// <summary>
/// Area-averaging resampler (a box filter with fractional edges): every source pixel contributes in proportion
/// to the area it covers, so thin strokes turn grey instead of vanishing when a 300 dpi scan shrinks to 98 lpi.
/// Separable: one pass across rows, one down columns, with per-axis weight tables built once.
/// </summary>
public static class GreyScaler
{
    public static GreyImage Resize(GreyImage source, int width, int height, double xDpi, double yDpi)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
        {
            throw new DocumentException(DocumentProblem.Empty, $"Cannot scale an image to {width}×{height}.");
        }

        if (width == source.Width && height == source.Height)
        {
            return new GreyImage(width, height, source.Pixels, xDpi, yDpi);
        }

        var xTaps = Taps(source.Width, width);
        var yTaps = Taps(source.Height, height);

        // Horizontal pass into 16.16 fixed point sums per row, then vertical.
        var horizontal = new int[checked(width * source.Height)];
        for (var y = 0; y < source.Height; y++)
        {
            var row = source.Pixels.AsSpan(y * source.Width, source.Width);
            var outRow = horizontal.AsSpan(y * width, width);
            for (var x = 0; x < width; x++)
            {
                var (start, weights) = xTaps[x];
                var sum = 0;
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += row[start + k] * weights[k];
                }

                outRow[x] = sum >> 8;
            }
        }

        var result = new GreyImage(width, height, xDpi, yDpi);
        var column = new long[width];
        for (var y = 0; y < height; y++)
        {
            var (start, weights) = yTaps[y];
            Array.Clear(column);
            for (var k = 0; k < weights.Length; k++)
            {
                var w = weights[k];
                var srcRow = horizontal.AsSpan((start + k) * width, width);
                for (var x = 0; x < width; x++)
                {
                    column[x] += (long)srcRow[x] * w;
                }
            }

            var dst = result.Row(y);
            for (var x = 0; x < width; x++)
            {
                dst[x] = (byte)Math.Clamp((column[x] + (1L << 23)) >> 24, 0, 255);
            }
        }

        return result;
    }

    /// <summary>For each destination index, the first source index and weights summing to 65536.</summary>
    private static (int Start, int[] Weights)[] Taps(int sourceLength, int destinationLength)
    {
        var taps = new (int, int[])[destinationLength];
        var ratio = (double)sourceLength / destinationLength;
        for (var d = 0; d < destinationLength; d++)
        {
            double from = d * ratio, to = (d + 1) * ratio;
            if (ratio < 1)
            {
                // Upscaling: sample the one source pixel under the destination centre.
                var s = Math.Min(sourceLength - 1, (int)((d + 0.5) * ratio));
                taps[d] = (s, [65536]);
                continue;
            }

            var first = (int)Math.Floor(from);
            var last = Math.Min(sourceLength - 1, (int)Math.Ceiling(to) - 1);
            var weights = new int[last - first + 1];
            var total = 0;
            for (var s = first; s <= last; s++)
            {
                var cover = Math.Min(to, s + 1) - Math.Max(from, s);
                weights[s - first] = (int)Math.Round(cover / ratio * 65536);
                total += weights[s - first];
            }

            // Put rounding residue on the largest tap so a flat area stays exactly flat.
            weights[Array.IndexOf(weights, weights.Max())] += 65536 - total;
            taps[d] = (first, weights);
        }

        return taps;
    }
}
