using System.Buffers.Binary;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Rendering;

/// <summary>
/// A monospace bitmap font drawn straight into bilevel fax pages: deterministic to the pixel (golden images
/// stay valid across machines) and fast enough to stamp a header line on every page at send time.
/// Glyphs are scaled by whole pixels across and by a fractional row factor down, so the same text has the
/// same physical height at 98, 196 and 391 lines per inch.
/// </summary>
public sealed class BitmapFont
{
    public const int CellWidth = 10;

    public const int CellHeight = 20;

    private readonly ushort[] _rows;

    private BitmapFont(ushort[] rows) => _rows = rows;

    /// <summary>The embedded X11 misc-fixed 10×20 (public domain), ISO 8859-1 repertoire.</summary>
    public static BitmapFont Fixed10x20 { get; } = Load();

    /// <summary>Draws <paramref name="text"/> with its cell's top-left at (<paramref name="x"/>, <paramref name="y"/>); returns the x after the last glyph.</summary>
    /// <param name="scaleX">Whole pixels per font pixel across.</param>
    /// <param name="rowScale">Page rows per font row (0.5 at 98 lpi for the 196 lpi design size).</param>
    public int Draw(PageRaster page, int x, int y, ReadOnlySpan<char> text, int scaleX = 1, double rowScale = 1)
    {
        ArgumentNullException.ThrowIfNull(page);
        var cellRows = CellRows(rowScale);
        foreach (var ch in text)
        {
            if (x >= page.Width)
            {
                break;
            }

            var glyph = _rows.AsSpan(GlyphIndex(ch) * CellHeight, CellHeight);
            for (var r = 0; r < cellRows; r++)
            {
                var py = y + r;
                if ((uint)py >= (uint)page.Height)
                {
                    continue;
                }

                var bits = glyph[Math.Min(CellHeight - 1, (int)(r / rowScale))];
                if (bits == 0)
                {
                    continue;
                }

                var row = page.Row(py);
                for (var c = 0; c < CellWidth; c++)
                {
                    if ((bits & (0x8000 >> c)) == 0)
                    {
                        continue;
                    }

                    for (var s = 0; s < scaleX; s++)
                    {
                        var px = x + (c * scaleX) + s;
                        if ((uint)px < (uint)page.Width)
                        {
                            row[px >> 3] |= (byte)(0x80 >> (px & 7));
                        }
                    }
                }
            }

            x += CellWidth * scaleX;
        }

        return x;
    }

    /// <summary>Page rows one text line occupies at <paramref name="rowScale"/>.</summary>
    public static int CellRows(double rowScale) => Math.Max(1, (int)Math.Round(CellHeight * rowScale));

    private static int GlyphIndex(char ch) => ch is >= ' ' and <= '\u00ff' and not (>= '\u007f' and < '\u00a0') ? ch : '?';

    private static BitmapFont Load()
    {
        using var stream = typeof(BitmapFont).Assembly.GetManifestResourceStream("FaxGateway.Documents.fixed10x20.bin")
            ?? throw new InvalidOperationException("The embedded font resource is missing from the assembly.");
        var bytes = new byte[256 * CellHeight * 2];
        stream.ReadExactly(bytes);
        var rows = new ushort[256 * CellHeight];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(i * 2));
        }

        return new BitmapFont(rows);
    }
}
