namespace FaxGateway.Imaging;

/// <summary>
/// One bilevel fax page in memory: packed rows, 1 bit per pixel, MSB first, 1 = black
/// (the design's in-memory convention). Bits past <see cref="Width"/> in the last byte of a row are 0.
/// Resolution is kept as dots per inch in each direction, so 204×98 "standard" stays non-square.
/// </summary>
public sealed class PageRaster
{
    public PageRaster(int width, int height, double xDpi = 204, double yDpi = 196)
    {
        if (width <= 0 || height < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A page needs a positive width and a non-negative height, got {width}×{height}.");
        }

        Width = width;
        Height = height;
        Stride = (width + 7) >> 3;
        Pixels = new byte[checked(Stride * height)];
        XDpi = xDpi;
        YDpi = yDpi;
    }

    public PageRaster(int width, int height, byte[] pixels, double xDpi, double yDpi)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A page needs a positive width and a non-negative height, got {width}×{height}.");
        }

        Stride = (width + 7) >> 3;
        if (pixels.Length < (long)Stride * height)
        {
            throw new ArgumentException($"{pixels.Length} bytes cannot hold {height} rows of {Stride} bytes.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
        XDpi = xDpi;
        YDpi = yDpi;
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Bytes per packed row: ceil(Width / 8).</summary>
    public int Stride { get; }

    /// <summary>Horizontal resolution in dots per inch (204 for fax, 200/300/400 for scans).</summary>
    public double XDpi { get; set; }

    /// <summary>Vertical resolution in lines per inch (98, 196, 391 for fax).</summary>
    public double YDpi { get; set; }

    /// <summary>All rows, packed, <see cref="Stride"/> bytes each.</summary>
    public byte[] Pixels { get; }

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    public ReadOnlySpan<byte> ReadRow(int y) => new(Pixels, y * Stride, Stride);

    public bool this[int x, int y]
    {
        get => (Pixels[(y * Stride) + (x >> 3)] & (0x80 >> (x & 7))) != 0;
        set
        {
            ref var b = ref Pixels[(y * Stride) + (x >> 3)];
            var mask = (byte)(0x80 >> (x & 7));
            b = value ? (byte)(b | mask) : (byte)(b & ~mask);
        }
    }
}
