using System.Buffers;

namespace FaxGateway.Imaging.Tests;

/// <summary>Seeded round trips through our encoder and decoder in every flavour, on random and structured pages.</summary>
public sealed class RoundTripPropertyTests
{
    private static readonly int[] Widths = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 1000, 1710, 1728, 2048, 2431, 2432];

    public static TheoryData<string> Flavours()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in TestPages.AllFlavours())
        {
            data.Add(name);
        }

        return data;
    }

    private static FaxCodingOptions Flavour(string name) => TestPages.AllFlavours().Single(f => f.Name == name).Options;

    private static void AssertRoundTrip(PageRaster page, FaxCodingOptions options, string what)
    {
        var coded = TestPages.Encode(page, options);

        // Push-decode without telling the decoder the height: it must find the end itself (RTC, EOFB or end of data).
        var rows = RowCollector.Collect(coded, page.Width, options, [coded.Length], out var report);
        Assert.True(rows.Count == page.Height, $"{what}: {rows.Count} rows instead of {page.Height}");
        for (var y = 0; y < page.Height; y++)
        {
            if (!rows[y].AsSpan().SequenceEqual(page.ReadRow(y)))
            {
                Assert.Fail($"{what}: row {y} differs");
            }
        }

        Assert.Equal(0, report.BadRows);
        Assert.Equal(0, report.RowsWithoutEol);
        Assert.Equal(options.EndOfPage != FaxEndOfPage.None, report.EndMarkerSeen);
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Structured_pages_round_trip_at_every_width(string flavour)
    {
        var options = Flavour(flavour);
        foreach (var width in Widths)
        {
            AssertRoundTrip(TestPages.Empty(width, 5), options, $"empty {width}");
            AssertRoundTrip(TestPages.AllBlack(width, 5), options, $"black {width}");
            AssertRoundTrip(TestPages.Alternating(width, 6), options, $"alternating {width}");
        }
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Runs_of_every_length_past_2560_round_trip(string flavour)
    {
        var options = Flavour(flavour);
        foreach (var width in new[] { 2432, 1000 })
        {
            AssertRoundTrip(TestPages.AllRunLengths(width), options, $"runs {width}");
        }

        // Single runs longer than 2560 need a second 2560 make-up (widths beyond A3 occur in scans).
        var wide = new PageRaster(6000, 4);
        for (var x = 10; x < 5900; x++)
        {
            wide[x, 1] = true;
        }

        for (var x = 0; x < 5200; x++)
        {
            wide[x, 2] = true;
        }

        AssertRoundTrip(wide, options, "6000 wide");
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Random_pages_round_trip(string flavour)
    {
        var options = Flavour(flavour);
        var random = new Random(20261122);
        for (var i = 0; i < 12; i++)
        {
            var width = i < Widths.Length ? Widths[random.Next(Widths.Length)] : random.Next(1, 2433);
            var seed = random.Next();
            AssertRoundTrip(TestPages.Random(width, random.Next(1, 60), seed), options, $"random width {width} seed {seed}");
        }

        for (var width = 1; width <= 2432; width += 97)
        {
            AssertRoundTrip(TestPages.Random(width, 8, width), options, $"random width {width}");
        }
    }

    [Fact]
    public void Zero_row_page_encodes_to_just_the_end_marker()
    {
        var page = new PageRaster(1728, 0);
        Assert.Equal(9, TestPages.Encode(page, FaxCodingOptions.Mh).Length); // 6 x 12-bit EOL
        Assert.Equal(3, TestPages.Encode(page, FaxCodingOptions.Mmr).Length); // EOFB
    }

    [Fact]
    public void Transcoding_between_all_schemes_keeps_the_pixels()
    {
        var page = TestPages.CorpusPage("t24/CCITT_3.TIF");
        var schemes = new[] { FaxCodingOptions.Mmr, FaxCodingOptions.Mh, FaxCodingOptions.Mr, FaxCodingOptions.Mh with { BitOrder = FaxBitOrder.LsbFirst, MinBitsPerRow = 600 }, new FaxCodingOptions(FaxCoding.Mr, K: 2, EolMode: FaxEolMode.EolByteAligned), FaxCodingOptions.TiffRleMh, FaxCodingOptions.Mmr };
        var data = TestPages.Encode(page, schemes[0]);
        for (var i = 1; i < schemes.Length; i++)
        {
            data = FaxTranscoder.Transcode(data, page.Width, schemes[i - 1], schemes[i], out var report, page.Height);
            Assert.Equal(page.Height, report.Rows);
            Assert.Equal(0, report.BadRows);
            PageAssert.SamePixels(page, TestPages.Decode(data, page.Width, page.Height, schemes[i], out _), $"after {schemes[i]}");
            Assert.Equal(TestPages.Encode(page, schemes[i]), data);
        }
    }

    [Fact]
    public void Transcoder_reuse_across_pages_gives_identical_output()
    {
        var transcoder = new FaxTranscoder(1728, FaxCodingOptions.Mmr, FaxCodingOptions.Mh);
        var first = TestPages.Encode(TestPages.CorpusPage("t24/CCITT_1.TIF"), FaxCodingOptions.Mmr);
        var second = TestPages.Encode(TestPages.CorpusPage("t24/CCITT_2.TIF"), FaxCodingOptions.Mmr);
        var outputs = new List<byte[]>();
        foreach (var input in new[] { first, second, first })
        {
            var buffer = new ArrayBufferWriter<byte>();
            transcoder.TranscodePage(input, buffer);
            outputs.Add(buffer.WrittenSpan.ToArray());
        }

        Assert.Equal(outputs[0], outputs[2]);
        Assert.NotEqual(outputs[0], outputs[1]);
    }

    [Fact]
    public void Row_by_row_encoding_equals_whole_page_encoding()
    {
        var page = TestPages.Random(1728, 100, 5);
        var options = new FaxCodingOptions(FaxCoding.Mr, K: 2, BitOrder: FaxBitOrder.LsbFirst, MinBitsPerRow: 1000);
        var encoder = new FaxEncoder(page.Width, options);
        var buffer = new ArrayBufferWriter<byte>();
        for (var y = 0; y < page.Height; y++)
        {
            encoder.EncodeRow(page.ReadRow(y), buffer);
            Assert.Equal(y + 1, encoder.RowsEncoded);
        }

        encoder.Finish(buffer);
        Assert.Equal(TestPages.Encode(page, options), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Minimum_bits_per_row_pads_every_row()
    {
        var page = TestPages.Empty(1728, 20);
        var plain = TestPages.Encode(page, FaxCodingOptions.Mh with { EndOfPage = FaxEndOfPage.None });
        var padded = TestPages.Encode(page, FaxCodingOptions.Mh with { MinBitsPerRow = 1200, EndOfPage = FaxEndOfPage.None });
        Assert.True(padded.Length >= 20 * 1200 / 8, $"{padded.Length} bytes");
        Assert.True(plain.Length < 20 * 4);
    }
}
