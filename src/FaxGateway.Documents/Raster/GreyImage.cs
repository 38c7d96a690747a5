namespace FaxGateway.Documents.Raster;

/// <summary>
/// An 8-bit grey page before dithering: 0 = black, 255 = white (PGM's convention), one byte per pixel,
/// with its resolution so physical size survives scaling to the non-square fax grid.
/// </summary>
public sealed class GreyImage
{
    public GreyImage(int width, int height, double xDpi, double yDpi)
        : this(width, height, new byte[checked((long)width * height) <= int.MaxValue ? width * height : throw new DocumentException(DocumentProblem.TooLarge, $"A {width}×{height} image is too large.")], xDpi, yDpi)
    {
    }

    public GreyImage(int width, int height, byte[] pixels, double xDpi, double yDpi)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
        {
            throw new DocumentException(DocumentProblem.Empty, $"An image needs a positive size, got {width}×{height}.");
        }

        if (pixels.Length < (long)width * height)
        {
            throw new ArgumentException($"{pixels.Length} bytes cannot hold {width}×{height} pixels.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
        XDpi = xDpi > 0 ? xDpi : 200;
        YDpi = yDpi > 0 ? yDpi : 200;
    }

    public int Width { get; }

    public int Height { get; }

    public double XDpi { get; }

    public double YDpi { get; }

    public byte[] Pixels { get; }

    public double WidthInches => Width / XDpi;

    public double HeightInches => Height / YDpi;

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width, Width);

    /// <summary>Expands a bilevel page (1 = black) to grey, for sources that need resampling before dithering.</summary>
    public static GreyImage FromBilevel(FaxGateway.Imaging.PageRaster page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var grey = new GreyImage(page.Width, page.Height, page.XDpi, page.YDpi);
        for (var y = 0; y < page.Height; y++)
        {
            var src = page.ReadRow(y);
            var dst = grey.Row(y);
            for (var x = 0; x < page.Width; x++)
            {
                dst[x] = (src[x >> 3] & (0x80 >> (x & 7))) != 0 ? (byte)0 : (byte)255;
            }
        }

        return grey;
    }

    /// <summary>Turns the image a quarter turn counter-clockwise (the landscape top ends up on the left, as printers do).</summary>
    public GreyImage RotateCounterClockwise()
    {
        var rotated = new GreyImage(Height, Width, YDpi, XDpi);
        var dst = rotated.Pixels;
        var newWidth = Height;
        for (var y = 0; y < Height; y++)
        {
            var row = Pixels.AsSpan(y * Width, Width);
            for (var x = 0; x < Width; x++)
            {
                // Source (x, y) -> destination (y, Width - 1 - x).
                dst[((Width - 1 - x) * newWidth) + y] = row[x];
            }
        }

        return rotated;
    }
}
