namespace FaxGateway.Imaging.Tests;

/// <summary>
/// Truncated, bit-flipped and random input gives bad-row counts (streams with EOLs) or <see cref="FaxCodingException"/>
/// (streams without), never another exception and never a hang.
/// </summary>
public sealed class RobustnessTests
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

    /// <summary>Decodes hostile input in one block and in small chunks; only the domain exception may escape.</summary>
    private static async Task DecodeHostile(byte[] data, int width, int height, FaxCodingOptions options, string what)
    {
        var task = Task.Run(() =>
        {
            foreach (var chunk in new[] { Math.Max(1, data.Length), 7 })
            {
                try
                {
                    var state = FaxDecoderState.Create(width, options);
                    var sink = new RowCollector();
                    for (var at = 0; at < data.Length || at == 0; at += chunk)
                    {
                        var end = Math.Min(data.Length, at + chunk);
                        var report = FaxDecoder.Decode(ref state, data.AsSpan(at, end - at), end == data.Length, sink);
                        Assert.True(report.BadRows <= report.Rows + 1 + (data.Length / 1024));
                    }

                    Assert.True(state.IsEndOfPage, what);
                    var page = new PageRaster(width, height);
                    var blockState = FaxDecoderState.Create(width, options);
                    FaxDecoder.DecodeBlock(ref blockState, data, page, 0, height);
                }
                catch (FaxCodingException) when (!options.HasEol)
                {
                    // Without EOLs there is nothing to resynchronise on: the domain exception is the answer.
                }
            }
        });
        // A hang shows up as a TimeoutException instead of a stuck test run.
        await task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task Truncated_input_never_throws_anything_but_the_domain_exception(string flavour)
    {
        var options = Flavour(flavour);
        var page = TestPages.Random(301, 25, 4);
        var coded = TestPages.Encode(page, options);
        for (var length = 0; length < coded.Length; length++)
        {
            await DecodeHostile(coded[..length], page.Width, page.Height, options, $"{flavour} truncated to {length}");
        }
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task Bit_flipped_input_never_throws_anything_but_the_domain_exception(string flavour)
    {
        var options = Flavour(flavour);
        var page = TestPages.Crop(TestPages.CorpusPage("t24/CCITT_4.TIF"), 300);
        var coded = TestPages.Encode(page, options);
        var random = new Random(1234);
        for (var trial = 0; trial < 60; trial++)
        {
            var damaged = (byte[])coded.Clone();
            var flips = 1 + random.Next(6);
            for (var f = 0; f < flips; f++)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            }

            await DecodeHostile(damaged, page.Width, page.Height, options, $"{flavour} trial {trial}");
        }
    }

    [Theory]
    [InlineData(FaxCoding.Mh, 1)]
    [InlineData(FaxCoding.Mh, 7)]
    [InlineData(FaxCoding.Mr, 1)]
    [InlineData(FaxCoding.Mr, 7)]
    public void Bit_errors_on_a_line_move_the_row_count_by_at_most_one_a_flipped_bit(FaxCoding coding, int chunk)
    {
        // On the line every T.4 row starts with an EOL. A hit can split a row with a false EOL (one row more) or
        // eat an EOL (one row fewer); it must never let the leftover bits of a row that ended early count as rows
        // of their own, or a page on a noisy line grows by a row a hit.
        var options = FaxCodingOptions.ForLine(coding);
        var page = TestPages.Crop(TestPages.CorpusPage("t24/CCITT_1.TIF"), 600);
        var coded = TestPages.Encode(page, options);
        var random = new Random(2024);
        var grewOrShrank = 0;
        for (var trial = 0; trial < 40; trial++)
        {
            var damaged = (byte[])coded.Clone();
            var flips = 1 + random.Next(20);
            for (var f = 0; f < flips; f++)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            }

            var state = FaxDecoderState.Create(page.Width, options);
            var sink = new RowCollector();
            var report = default(FaxDecodeReport);
            for (var at = 0; at < damaged.Length; at += chunk)
            {
                var end = Math.Min(damaged.Length, at + chunk);
                report = FaxDecoder.Decode(ref state, damaged.AsSpan(at, end - at), end == damaged.Length, sink);
            }

            Assert.InRange(report.Rows, page.Height - flips, page.Height + flips);
            Assert.Equal(0, report.RowsWithoutEol);
            grewOrShrank += report.Rows == page.Height ? 0 : 1;
        }

        Assert.True(grewOrShrank < 40, "most hits should leave the row count alone");
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task Random_input_never_throws_anything_but_the_domain_exception(string flavour)
    {
        var options = Flavour(flavour);
        var random = new Random(99);
        for (var trial = 0; trial < 120; trial++)
        {
            var data = new byte[random.Next(0, 3000)];
            random.NextBytes(data);
            if (trial % 3 == 1)
            {
                // Mostly zeros with a few bits: long fills, EOL look-alikes, huge make-up sums.
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = random.Next(10) == 0 ? data[i] : (byte)0;
                }
            }

            var width = trial % 2 == 0 ? 1728 : random.Next(1, 2500);
            await DecodeHostile(data, width, 50, options, $"{flavour} random trial {trial}");
        }
    }

    /// <summary>Inputs that once broke a decoder (ours or others'), kept inline so they run forever after.</summary>
    public static TheoryData<string, string> CrashInputs() => new()
    {
        // MH: EOL, then white make-up 2560 over and over: the runs would add up far past the width.
        { "mh", "ABAfAfAfAfAfAfAfAfAfAfA=" },
        // MH: EOL followed by nothing but fill zeros to the end of the data.
        { "mh", "ABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
        // MR: EOL + tag 0 (2-D) on the very first row, then VL3 codes running left of a0.
        { "mr", "ABAgQIECBAgQIECBAgQIECBAgQA=" },
        // MR: an EOL cut off before its tag bit.
        { "mr", "ABA=" },
        // MMR: horizontal mode with zero-length runs over and over (no progress along the row).
        { "mmr", "JqG5NQ3JqG5NQ3JqG5NQ3JqG5NQ3JqG5NQ3JqG5NQ3A=" },
        // MMR: pass codes beyond the reference line's last change.
        { "mmr", "ERERERERERERERERERERERERERE=" },
        // MMR: EOFB cut after its first EOL.
        { "mmr", "ABA=" },
        // MMR: the extension code (uncompressed mode), which T.6 pages from fax machines never use.
        { "mmr", "A/8=" },
    };

    [Theory]
    [MemberData(nameof(CrashInputs))]
    public async Task Known_crash_inputs_stay_harmless(string scheme, string base64)
    {
        var options = scheme switch
        {
            "mh" => FaxCodingOptions.Mh,
            "mr" => FaxCodingOptions.Mr,
            _ => FaxCodingOptions.Mmr,
        };
        var data = Convert.FromBase64String(base64);
        foreach (var width in new[] { 1, 8, 100, 1728 })
        {
            await DecodeHostile(data, width, 20, options, $"{scheme} {base64} width {width}");
            await DecodeHostile(data, width, 20, options with { BitOrder = FaxBitOrder.LsbFirst }, $"{scheme} {base64} width {width} lsb");
        }
    }

    public static TheoryData<string> TiffFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in new[] { "fax-tiff/fax2d.tif", "fax-tiff/g3test.tif", "fax-tiff/G32DS.TIF", "fax-tiff/bitonal.tif", "t24/CCITT_2.TIF" })
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TiffFiles))]
    public async Task Damaged_TIFF_files_give_the_domain_exception_or_bad_rows(string file)
    {
        var original = File.ReadAllBytes(RepoPaths.CorpusFile(file));
        var random = new Random(file.Length);
        var inputs = new List<byte[]> { Array.Empty<byte>(), original[..4], original[..8], original[..(original.Length / 2)], original[..(original.Length - 1)] };
        for (var trial = 0; trial < 40; trial++)
        {
            var damaged = (byte[])original.Clone();
            var at = trial < 20 ? random.Next(Math.Min(400, damaged.Length)) : random.Next(damaged.Length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            inputs.Add(damaged);
        }

        foreach (var input in inputs)
        {
            var task = Task.Run(() =>
            {
                try
                {
                    using var stream = new MemoryStream(input);
                    foreach (var page in TiffFax.Read(stream))
                    {
                        Assert.True(page.Report.Rows <= page.Raster.Height + 1);
                    }
                }
                catch (FaxCodingException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                }
            });
            await task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}
