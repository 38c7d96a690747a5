namespace FaxGateway.Imaging.Tests;

public sealed class PageScalerTests
{
    [Fact]
    public void Fine_to_standard_merges_row_pairs_so_thin_lines_survive()
    {
        var fine = new PageRaster(1728, 200, 204, 196);
        for (var x = 0; x < 1728; x++)
        {
            fine[x, 51] = true; // a one-row line on an odd row
        }

        var standard = PageScaler.ToResolution(fine, FaxResolution.Standard);
        Assert.Equal(100, standard.Height);
        Assert.Equal(98, standard.YDpi);
        Assert.True(standard[0, 25] && standard[1727, 25]);
        Assert.Equal(1728, Enumerable.Range(0, 100).Sum(y => Enumerable.Range(0, 1728).Count(x => standard[x, y])));
    }

    [Fact]
    public void Standard_to_fine_and_superfine_repeat_rows()
    {
        var page = TestPages.Random(1728, 50, 1);
        page.YDpi = 98;
        var fine = PageScaler.ToResolution(page, FaxResolution.Fine);
        Assert.Equal(100, fine.Height);
        for (var y = 0; y < 100; y++)
        {
            Assert.True(fine.ReadRow(y).SequenceEqual(page.ReadRow(y / 2)), $"row {y}");
        }

        var superFine = PageScaler.ToResolution(page, FaxResolution.SuperFine);
        Assert.Equal(200, superFine.Height);
        Assert.Equal(391, superFine.YDpi);
    }

    public static TheoryData<int, double, double, int, int> Scans() => new()
    {
        { 2048, 204, 196, 1728, 0 },   // B4 fax line reduced to A4
        { 2432, 204, 196, 1728, 0 },   // A3 fax line reduced to A4
        { 1728, 200, 200, 1728, 0 },   // a 200 dpi page is fax resolution as it is
        { 1700, 200, 200, 1700, 14 },  // Letter at 200 dpi: centred
        { 2550, 300, 300, 1728, 0 },   // Letter at 300 dpi: 1734 reduced to 1728
        { 2464, 300, 300, 1676, 26 },  // the 300 dpi corpus scan: centred
        { 3400, 400, 400, 1728, 0 },   // Letter at 400 dpi
    };

    [Theory]
    [MemberData(nameof(Scans))]
    public void Scans_and_wide_fax_lines_become_1728_pels_at_204_dpi(int width, double xDpi, double yDpi, int scaledWidth, int offset)
    {
        var page = new PageRaster(width, 40, xDpi, yDpi);
        for (var x = 0; x < width; x++)
        {
            page[x, 10] = true; // a full-width line
        }

        page[0, 20] = true; // single pixels at both edges
        page[width - 1, 20] = true;
        var fax = PageScaler.ToFax(page, FaxResolution.Fine);
        Assert.Equal(1728, fax.Width);
        Assert.Equal(204, fax.XDpi);
        Assert.Equal(196, fax.YDpi);
        var line = Enumerable.Range(0, fax.Height).First(y => fax[offset + (scaledWidth / 2), y]);
        Assert.Equal(scaledWidth, Enumerable.Range(0, 1728).Count(x => fax[x, line]));
        Assert.True(fax[offset, line] && fax[offset + scaledWidth - 1, line]);
        var dots = Enumerable.Range(0, fax.Height).Single(y => y != line && Enumerable.Range(0, 1728).Any(x => fax[x, y]));
        Assert.True(fax[offset, dots]);
        Assert.True(fax[offset + scaledWidth - 1, dots]);
    }

    [Fact]
    public void Corpus_300_dpi_page_becomes_a_standard_fax_page()
    {
        var page = TestPages.CorpusPage("fax-tiff/G4.TIF");
        var fax = PageScaler.ToFax(page, FaxResolution.Standard);
        Assert.Equal(1728, fax.Width);
        Assert.Equal((int)Math.Round(3248 * 3.85 * 25.4 / 300.0), fax.Height);
        var black = fax.Pixels.Sum(b => System.Numerics.BitOperations.PopCount(b));
        Assert.True(black > 1000);
    }
}
