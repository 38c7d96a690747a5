using System.CommandLine;
using System.Globalization;
using FaxGateway.Imaging;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw tiff info FILE</c> and <c>faxgw tiff convert IN OUT --compression mh|mr|mmr|none [--resolution ..] [--width ..]</c>:
/// inspect and re-code TIFF fax files with our codec. Bad input prints one clear line on stderr and exits with 1.
/// </summary>
internal static class TiffCommand
{
    private const int Failure = 1;

    public static Command Create()
    {
        var command = new Command("tiff", "Inspect and convert TIFF fax files (MH, MR, MMR, uncompressed)");
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateConvert());
        return command;
    }

    private static Command CreateInfo()
    {
        var file = new Argument<FileInfo>("file") { Description = "TIFF file to inspect" };
        var command = new Command("info", "Per page: size, resolution, compression, bad-line count");
        command.Arguments.Add(file);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!;
            return Guard(error, path.FullName, () =>
            {
                var pages = TiffFax.Read(path.FullName);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path.Name}: {pages.Count} page(s)"));
                foreach (var page in pages)
                {
                    output.WriteLine(Describe(page));
                }
            });
        });
        return command;
    }

    private static Command CreateConvert()
    {
        var input = new Argument<FileInfo>("in") { Description = "TIFF file to read" };
        var outputFile = new Argument<FileInfo>("out") { Description = "TIFF file to write" };
        var compression = new Option<string>("--compression") { Description = "Coding of the written pages", Required = true };
        compression.AcceptOnlyFromAmong("mh", "mr", "mmr", "none");
        var resolution = new Option<string?>("--resolution") { Description = "Vertical resolution: standard (98 lpi), fine (196), superfine (391)" };
        resolution.AcceptOnlyFromAmong("standard", "fine", "superfine");
        var width = new Option<int?>("--width") { Description = "Scale to fax geometry with this many pixels per row (1728 for A4/Letter)" };
        width.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } w && (w < 1 || w > 16384))
            {
                result.AddError("--width must be between 1 and 16384.");
            }
        });

        var command = new Command("convert", "Re-code a TIFF (all pages), optionally to fax resolution and width");
        command.Arguments.Add(input);
        command.Arguments.Add(outputFile);
        command.Options.Add(compression);
        command.Options.Add(resolution);
        command.Options.Add(width);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var from = parse.GetValue(input)!;
            var to = parse.GetValue(outputFile)!;
            return Guard(error, from.FullName, () =>
            {
                var pages = TiffFax.Read(from.FullName);
                FaxResolution? targetResolution = parse.GetValue(resolution) switch
                {
                    "standard" => FaxResolution.Standard,
                    "fine" => FaxResolution.Fine,
                    "superfine" => FaxResolution.SuperFine,
                    _ => null,
                };
                var targetWidth = parse.GetValue(width);
                var converted = pages.Select(p => Reshape(p.Raster, targetResolution, targetWidth)).ToList();
                FaxCodingOptions? coding = parse.GetValue(compression) switch
                {
                    "mh" => FaxCodingOptions.Mh with { EndOfPage = FaxEndOfPage.None },
                    "mr" => new FaxCodingOptions(FaxCoding.Mr, K: converted[0].YDpi > 150 ? 4 : 2, EndOfPage: FaxEndOfPage.None),
                    "mmr" => FaxCodingOptions.Mmr,
                    _ => null,
                };

                // Write to a temporary file first so a failure never leaves half a TIFF under the target name.
                var temporary = to.FullName + ".tmp";
                try
                {
                    TiffFax.Write(temporary, converted, coding);
                    File.Move(temporary, to.FullName, overwrite: true);
                }
                finally
                {
                    File.Delete(temporary);
                }

                var bad = pages.Sum(p => p.BadRows);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{to.Name}: {converted.Count} page(s), {parse.GetValue(compression)}{(bad > 0 ? $", {bad} damaged row(s) in the input repaired" : "")}"));
            });
        });
        return command;
    }

    private static PageRaster Reshape(PageRaster page, FaxResolution? resolution, int? width)
    {
        if (width is { } w)
        {
            return PageScaler.ToFax(page, resolution ?? PageScaler.Nearest(page.YDpi), w);
        }

        return resolution is { } r ? PageScaler.ToResolution(page, r) : page;
    }

    internal static string Describe(TiffFaxPage page)
    {
        var raster = page.Raster;
        var report = page.Report;
        var coding = page.Compression switch
        {
            TiffFaxCompression.CcittRle => "CCITT RLE (MH, compression 2)",
            TiffFaxCompression.Group3OneD => "G3 1-D (MH)",
            TiffFaxCompression.Group3TwoD => "G3 2-D (MR)",
            TiffFaxCompression.Group4 => "G4 (MMR)",
            TiffFaxCompression.None => "uncompressed",
            _ => string.Create(CultureInfo.InvariantCulture, $"compression {page.StoredCompression}"),
        };
        var order = page.Coding is { BitOrder: FaxBitOrder.LsbFirst } ? ", LSB-first" : "";
        var noEol = report.RowsWithoutEol > 0 ? string.Create(CultureInfo.InvariantCulture, $", {report.RowsWithoutEol} rows without EOL") : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"page {page.Index + 1}: {raster.Width}x{raster.Height} px, {raster.XDpi:0.##}x{raster.YDpi:0.##} dpi, {coding}{order}, {page.Strips} strip(s), bad lines {report.BadRows} (max consecutive {report.MaxConsecutiveBadRows}){noEol}");
    }

    private static int Guard(TextWriter error, string path, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (FaxCodingException e)
        {
            error.WriteLine($"faxgw tiff: {path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"faxgw tiff: {e.Message}");
        }

        return Failure;
    }
}
