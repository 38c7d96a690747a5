using System.Numerics;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Raster;

/// <summary>
/// Says whether a page carries content. Scanner specks and a border smudge must not count, so a margin
/// is ignored, only black pixels touching another black pixel (right or below) count as ink, and a page is
/// blank when under <see cref="MaxInkFraction"/> of the remaining area is ink.
/// </summary>
public static class BlankPageDetector
{
    /// <summary>0.002 % (about 70 pixels on A4 fine): one short word is well above it, isolated dust never counts.</summary>
    public const double MaxInkFraction = 0.00002;

    private const double MarginFraction = 0.03;

    public static bool IsBlank(PageRaster page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var marginRows = (int)(page.Height * MarginFraction);
        var marginBytes = (int)(page.Stride * MarginFraction);
        long black = 0;
        for (var y = marginRows; y < page.Height - marginRows; y++)
        {
            var row = page.ReadRow(y)[marginBytes..(page.Stride - marginBytes)];
            var below = y + 1 < page.Height ? page.ReadRow(y + 1)[marginBytes..(page.Stride - marginBytes)] : row;
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] == 0)
                {
                    continue;
                }

                // A pixel is ink when its right-hand neighbour (across the byte edge too) or the one below is black.
                var next = i + 1 < row.Length ? row[i + 1] >> 7 : 0;
                var right = (byte)((row[i] << 1) | next);
                black += BitOperations.PopCount((uint)(row[i] & (right | below[i])));
            }
        }

        var area = (long)(page.Height - (2 * marginRows)) * (page.Stride - (2 * marginBytes)) * 8;
        return area <= 0 || black < area * MaxInkFraction;
    }
}
