using FaxGateway.Imaging;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;
using ImagingResolution = FaxGateway.Imaging.FaxResolution;
using T30Resolution = FaxGateway.Protocol.Capabilities.FaxResolution;

namespace FaxGateway.Modems.Calls;

/// <summary>
/// The document of an outgoing call: pages as rasters, coded on the fly for whatever mode the call negotiates
/// (MH/MR/MMR, width, vertical resolution, minimum scan time) in line order, as <see cref="IFaxPageSource"/> asks.
/// The last coding is kept, so a retransmission after RTN or a repeated block costs nothing.
/// </summary>
public sealed class FaxPageSource : IFaxPageSource
{
    private readonly IReadOnlyList<PageRaster> _pages;
    private (int Page, DcsKey Key, byte[] Data)? _last;

    /// <summary>Sends <paramref name="pages"/> in order.</summary>
    public FaxPageSource(IReadOnlyList<PageRaster> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        if (pages.Count == 0)
        {
            throw new ArgumentException("A fax needs at least one page.", nameof(pages));
        }

        _pages = pages;
    }

    /// <inheritdoc />
    public int PageCount => _pages.Count;

    /// <summary>The pages as given.</summary>
    public IReadOnlyList<PageRaster> Pages => _pages;

    /// <inheritdoc />
    public FaxPageFormat GetFormat(int pageIndex)
    {
        var page = _pages[pageIndex];
        var width = page.Width switch
        {
            >= PageScaler.A3Width => PageWidth.W2432,
            >= PageScaler.B4Width => PageWidth.W2048,
            _ => PageWidth.W1728,
        };
        return new FaxPageFormat(ToT30(PageScaler.Nearest(page.YDpi)), width);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> GetPageData(int pageIndex, DcsParameters mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var key = new DcsKey(mode.Compression, mode.Resolution, mode.Width, mode.MinBitsPerRow);
        if (_last is { } last && last.Page == pageIndex && last.Key == key)
        {
            return last.Data;
        }

        var raster = Prepare(_pages[pageIndex], mode);
        var data = FaxEncoder.Encode(raster, LineCoding(mode));
        _last = (pageIndex, key, data);
        return data;
    }

    /// <summary>The page as it goes on the line in <paramref name="mode"/>: width and vertical resolution converted when they differ.</summary>
    public static PageRaster Prepare(PageRaster page, DcsParameters mode)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(mode);
        var resolution = ToImaging(mode.Resolution);
        var width = mode.Width.Pixels();
        var sameResolution = PageScaler.Nearest(page.YDpi) == resolution && Math.Abs(page.YDpi - PageScaler.LinesPerInch(resolution)) < 3;
        if (page.Width == width && sameResolution)
        {
            return page;
        }

        return page.Width == width ? PageScaler.ToResolution(page, resolution) : PageScaler.ToFax(page, resolution, width);
    }

    /// <summary>The coding of page data on the line for <paramref name="mode"/>: line order (LSB first), RTC or EOFB, scan-time fill.</summary>
    public static FaxCodingOptions LineCoding(DcsParameters mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var coding = mode.Compression switch
        {
            FaxCompression.MMR => FaxCoding.Mmr,
            FaxCompression.MR => FaxCoding.Mr,
            _ => FaxCoding.Mh,
        };

        // T.4 4.2.1.3.4: K = 2 at standard, 4 at fine; superfine and above use 8.
        var k = mode.Resolution switch
        {
            T30Resolution.Standard => 2,
            T30Resolution.Fine => 4,
            _ => 8,
        };
        return FaxCodingOptions.ForLine(coding, k) with { BitOrder = FaxBitOrder.LsbFirst, MinBitsPerRow = coding == FaxCoding.Mmr ? 0 : mode.MinBitsPerRow };
    }

    /// <summary>The Imaging resolution for a T.30 one (300/400 dpi modes are never offered by us; they map to the nearest).</summary>
    public static ImagingResolution ToImaging(T30Resolution resolution) => resolution switch
    {
        T30Resolution.Standard => ImagingResolution.Standard,
        T30Resolution.Fine or T30Resolution.R300 => ImagingResolution.Fine,
        _ => ImagingResolution.SuperFine,
    };

    /// <summary>The T.30 resolution for an Imaging one.</summary>
    public static T30Resolution ToT30(ImagingResolution resolution) => resolution switch
    {
        ImagingResolution.Standard => T30Resolution.Standard,
        ImagingResolution.Fine => T30Resolution.Fine,
        _ => T30Resolution.Superfine,
    };

    private readonly record struct DcsKey(FaxCompression Compression, T30Resolution Resolution, PageWidth Width, int MinBitsPerRow);
}
