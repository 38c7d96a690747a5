using FaxGateway.Imaging;

namespace FaxGateway.Documents.Raster;

/// <summary>
/// Floyd–Steinberg error diffusion from grey to bilevel. Fax is 1 bit per pixel; error diffusion keeps
/// photos and anti-aliased text legible where a plain threshold would blot or erase them.
/// </summary>
public static class Dither
{
    private const int Threshold = 128;

    /// <summary>Dithers <paramref name="source"/> into <paramref name="target"/> at (<paramref name="left"/>, <paramref name="top"/>); pixels outside stay as they are.</summary>
    public static void FloydSteinberg(GreyImage source, PageRaster target, int left, int top)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var width = Math.Min(source.Width, target.Width - left);
        var height = Math.Min(source.Height, target.Height - top);
        if (width <= 0 || height <= 0)
        {
            return;
        }

        // Error rows carry one guard cell at each end so the 3-5-1 neighbours need no bounds checks.
        var current = new int[width + 2];
        var next = new int[width + 2];
        for (var y = 0; y < height; y++)
        {
            var src = source.Pixels.AsSpan(y * source.Width, width);
            var dst = target.Row(top + y);
            Array.Clear(next);
            for (var x = 0; x < width; x++)
            {
                var value = src[x] + (current[x + 1] >> 4);
                int error;
                if (value < Threshold)
                {
                    var px = left + x;
                    dst[px >> 3] |= (byte)(0x80 >> (px & 7));
                    error = value;
                }
                else
                {
                    error = value - 255;
                }

                if (error != 0)
                {
                    current[x + 2] += error * 7;
                    next[x] += error * 3;
                    next[x + 1] += error * 5;
                    next[x + 2] += error;
                }
            }

            (current, next) = (next, current);
        }
    }
}
