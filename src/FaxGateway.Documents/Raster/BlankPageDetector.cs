using System.Numerics;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Raster;

/// <summary>
/// Says whether a page carries content. Scanner specks and a border smudge must not count, so a margin
/// is ignored and a page is blank when under <see cref="MaxInkFraction"/> of the remaining pixels are black.
/// </summary>
public static class BlankPageDetector
{
    /// <summary>0.02 %: a single short word on A4 (~400 black pixels at fine) is well above it; dust is below.</summary>
    public const double MaxInkFraction = 0.0002;

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
            while (row.Length >= 8)
            {
                black += BitOperations.PopCount(BitConverter.ToUInt64(row));
                row = row[8..];
            }

            foreach (var b in row)
            {
                black += BitOperations.PopCount(b);
            }
        }

        var area = (long)(page.Height - (2 * marginRows)) * (page.Stride - (2 * marginBytes)) * 8;
        return area <= 0 || black < area * MaxInkFraction;
    }
}
