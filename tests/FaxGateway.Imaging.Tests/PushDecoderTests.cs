using System.Buffers;

namespace FaxGateway.Imaging.Tests;

/// <summary>The push decoder: any split of the input gives the same rows, rows come out as soon as they are complete.</summary>
public sealed class PushDecoderTests
{
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

    private static PageRaster SplitPage()
    {
        // Real text rows plus a few random rows at an odd width: long enough to cut inside EOLs, codes and fill.
        var page = TestPages.Crop(TestPages.CorpusPage("t24/CCITT_1.TIF"), 420);
        var cropped = new PageRaster(1728, 48);
        page.Pixels.AsSpan(340 * page.Stride, 48 * page.Stride).CopyTo(cropped.Pixels);
        return cropped;
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Split_at_every_byte_boundary_gives_the_same_rows(string flavour)
    {
        var options = Flavour(flavour);
        foreach (var page in new[] { SplitPage(), TestPages.Random(203, 30, 9) })
        {
            var coded = TestPages.Encode(page, options);
            var whole = RowCollector.Collect(coded, page.Width, options, [coded.Length], out var wholeReport);
            Assert.Equal(page.Height, whole.Count);
            for (var cut = 0; cut <= coded.Length; cut++)
            {
                var rows = RowCollector.Collect(coded, page.Width, options, [cut, coded.Length], out var report);
                Assert.Equal(wholeReport, report);
                Assert.True(rows.Count == whole.Count, $"cut at {cut}: {rows.Count} rows");
                for (var y = 0; y < rows.Count; y++)
                {
                    Assert.True(rows[y].AsSpan().SequenceEqual(whole[y]), $"cut at {cut}: row {y} differs");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public void One_byte_at_a_time_and_random_chunks_give_the_same_rows(string flavour)
    {
        var options = Flavour(flavour);
        var page = TestPages.Crop(TestPages.CorpusPage("t24/CCITT_5.TIF"), 900);
        var coded = TestPages.Encode(page, options);
        var bytewise = RowCollector.Collect(coded, page.Width, options, Enumerable.Range(1, coded.Length).ToArray(), out var report);
        Assert.Equal(page.Height, bytewise.Count);
        Assert.True(report.IsClean);
        for (var y = 0; y < page.Height; y++)
        {
            Assert.True(bytewise[y].AsSpan().SequenceEqual(page.ReadRow(y)), $"row {y}");
        }

        var random = new Random(17);
        var cuts = new List<int>();
        for (var at = random.Next(1, 300); at < coded.Length; at += random.Next(1, 300))
        {
            cuts.Add(at);
        }

        cuts.Add(coded.Length);
        Assert.Equal(page.Height, RowCollector.Collect(coded, page.Width, options, [.. cuts], out _).Count);
    }

    [Fact]
    public void Rows_are_emitted_as_soon_as_they_are_complete_and_a_failed_read_consumes_nothing()
    {
        var page = TestPages.Random(1728, 50, 21);
        var options = FaxCodingOptions.Mh with { BitOrder = FaxBitOrder.LsbFirst };
        var coded = TestPages.Encode(page, options);

        // Where row 20 ends: the coded length of the first 21 rows (EOLs included) without the end marker.
        var encoder = new FaxEncoder(1728, options);
        var prefix = new ArrayBufferWriter<byte>();
        for (var y = 0; y < 21; y++)
        {
            encoder.EncodeRow(page.ReadRow(y), prefix);
        }

        var state = FaxDecoderState.Create(1728, options);
        var sink = new RowCollector();
        FaxDecoder.Decode(ref state, coded.AsSpan(0, prefix.WrittenCount - 1), false, sink);
        Assert.Equal(20, sink.Rows.Count); // row 20 is one byte short

        // Feeding nothing changes nothing: the unfinished row stays pending.
        FaxDecoder.Decode(ref state, [], false, sink);
        FaxDecoder.Decode(ref state, [], false, sink);
        Assert.Equal(20, sink.Rows.Count);

        FaxDecoder.Decode(ref state, coded.AsSpan(prefix.WrittenCount - 1, 1), false, sink);
        Assert.InRange(sink.Rows.Count, 20, 21);
        var report = FaxDecoder.Decode(ref state, coded.AsSpan(prefix.WrittenCount), true, sink);
        Assert.Equal(50, sink.Rows.Count);
        Assert.True(report.EndMarkerSeen);
        Assert.True(report.IsClean);
        for (var y = 0; y < 50; y++)
        {
            Assert.True(sink.Rows[y].AsSpan().SequenceEqual(page.ReadRow(y)), $"row {y}");
        }
    }

    [Fact]
    public void Reader_exposes_changing_elements_and_stops_at_RTC()
    {
        var page = new PageRaster(100, 2);
        for (var x = 10; x < 20; x++)
        {
            page[x, 1] = true;
        }

        var coded = TestPages.Encode(page, FaxCodingOptions.Mr);
        var trailing = coded.Concat(new byte[] { 0xFF, 0x12 }).ToArray(); // garbage after RTC is never read
        var state = FaxDecoderState.Create(100, FaxCodingOptions.Mr);
        var reader = new FaxDecoder(ref state, trailing, true);
        Assert.True(reader.TryReadRow());
        Assert.Equal(0, reader.RowIndex);
        Assert.Equal(0, reader.RowChanges.Length);
        Assert.True(reader.TryReadRow());
        Assert.Equal([10, 20], reader.RowChanges.ToArray());
        Assert.False(reader.RowIsBad);
        Assert.False(reader.TryReadRow());
        Assert.True(reader.IsEndOfPage);
        Assert.Equal(new FaxDecodeReport(2, 0, 0, true), reader.Report);
    }

    [Fact]
    public void Damaged_rows_are_counted_repeated_and_decoding_resynchronises_on_the_next_EOL()
    {
        var page = TestPages.CorpusPage("t24/CCITT_1.TIF");
        var options = FaxCodingOptions.Mh;
        var coded = TestPages.Encode(page, options);

        // Damage three neighbouring bytes in the middle and one byte further on: a burst of line noise.
        coded[coded.Length / 2] ^= 0xFF;
        coded[(coded.Length / 2) + 1] ^= 0x5A;
        coded[(coded.Length / 2) + 2] ^= 0xA5;
        coded[(coded.Length * 3) / 4] ^= 0x0F;
        var sink = new RowCollector();
        var state = FaxDecoderState.Create(page.Width, options);
        var report = FaxDecoder.Decode(ref state, coded, true, sink);

        Assert.InRange(report.BadRows, 1, 8);
        Assert.InRange(report.MaxConsecutiveBadRows, 1, report.BadRows);
        Assert.True(report.EndMarkerSeen);
        var differing = Enumerable.Range(0, page.Height).Count(y => !sink.Rows[y].AsSpan().SequenceEqual(page.ReadRow(y)));
        Assert.InRange(differing, 1, 12);
        Assert.Equal(page.Height, Math.Min(page.Height, sink.Rows.Count));
        for (var y = 1; y < sink.Rows.Count; y++)
        {
            if (sink.Bad[y])
            {
                Assert.Equal(sink.Rows[y - 1], sink.Rows[y]);
            }
        }
    }

    [Fact]
    public void Decoder_state_resets_between_pages_without_new_buffers()
    {
        var options = FaxCodingOptions.Mmr;
        var a = TestPages.Encode(TestPages.CorpusPage("t24/CCITT_2.TIF"), options);
        var state = FaxDecoderState.Create(1728, options);
        var first = new RowCollector();
        FaxDecoder.Decode(ref state, a, true, first);
        state.Reset();
        var second = new RowCollector();
        FaxDecoder.Decode(ref state, a, true, second);
        Assert.Equal(first.Rows.Count, second.Rows.Count);
        Assert.Equal(2376, state.Report.Rows);
        var row = new byte[216];
        var before = GC.GetAllocatedBytesForCurrentThread();
        state.Reset();
        var reader = new FaxDecoder(ref state, a, true);
        while (reader.TryReadRow())
        {
            reader.CopyRowTo(row);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
