using System.CommandLine;
using FaxGateway.Documents;
using FaxGateway.Documents.Pdf;
using FaxGateway.Imaging;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw doc</c>: the document pipeline from the command line.
/// <c>doc convert IN OUT.tif</c> turns a PDF, TIFF, PNG, JPEG or text file into MMR TIFF-F fax pages;
/// <c>doc topdf IN.tif OUT.pdf</c> turns a fax TIFF into a PDF with the pages embedded as CCITT images.
/// </summary>
internal static class DocCommand
{
    public static Command Create()
    {
        var command = new Command("doc", "Convert documents to fax pages and fax pages to PDF");
        command.Subcommands.Add(Convert());
        command.Subcommands.Add(ToPdf());
        return command;
    }

    private static Command Convert()
    {
        var input = new Argument<FileInfo>("input") { Description = "PDF, TIFF, PNG, JPEG or plain text (type taken from the content)" };
        var output = new Argument<FileInfo>("output") { Description = "Multi-page TIFF Class F to write (MMR)" };
        var resolution = new Option<string>("--resolution") { Description = "standard (204x98), fine (204x196) or superfine (204x391)", DefaultValueFactory = _ => "fine" };
        resolution.AcceptOnlyFromAmong("standard", "fine", "superfine");
        var paper = new Option<string>("--paper") { Description = "Page length: a4, letter or legal", DefaultValueFactory = _ => "a4" };
        paper.AcceptOnlyFromAmong("a4", "letter", "legal");
        var scaleLong = new Option<bool>("--scale-long-pages") { Description = "Shrink pages longer than the paper onto one page instead of splitting them" };
        var removeBlank = new Option<bool>("--remove-blank") { Description = "Drop blank pages" };
        var maxPages = new Option<int>("--max-pages") { Description = "Refuse documents with more pages", DefaultValueFactory = _ => new ConversionOptions().MaxPages };

        var command = new Command("convert", "Convert a document to fax pages (MMR TIFF-F)") { input, output, resolution, paper, scaleLong, removeBlank, maxPages };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ConversionOptions
            {
                Resolution = parse.GetValue(resolution) switch
                {
                    "standard" => FaxResolution.Standard,
                    "superfine" => FaxResolution.SuperFine,
                    _ => FaxResolution.Fine,
                },
                Paper = parse.GetValue(paper) switch
                {
                    "letter" => PaperSize.Letter,
                    "legal" => PaperSize.Legal,
                    _ => PaperSize.A4,
                },
                LongPages = parse.GetValue(scaleLong) ? LongPageHandling.Scale : LongPageHandling.Split,
                RemoveBlankPages = parse.GetValue(removeBlank),
                MaxPages = parse.GetValue(maxPages),
            };
            var source = parse.GetValue(input)!;
            var target = parse.GetValue(output)!;
            try
            {
                var content = await File.ReadAllBytesAsync(source.FullName, cancellationToken).ConfigureAwait(false);
                var document = await DocumentConverter.ConvertAsync(content, options, cancellationToken).ConfigureAwait(false);
                await using (var file = File.Create(target.FullName))
                {
                    document.WriteTiff(file);
                }

                var blank = document.BlankPages.Count > 0 ? $", blank: {string.Join(',', document.BlankPages)}" : "";
                var removed = document.RemovedBlankPages > 0 ? $", {document.RemovedBlankPages} blank removed" : "";
                parse.InvocationConfiguration.Output.WriteLine(
                    $"{source.Name}: {document.SourceType} -> {document.Pages.Count} page(s), 1728 x {document.Pages[0].Height} at 204x{options.Resolution.YDpi():0}{blank}{removed} -> {target.Name}");
                return 0;
            }
            catch (Exception ex) when (ex is DocumentException or IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"faxgw doc convert: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command ToPdf()
    {
        var input = new Argument<FileInfo>("input") { Description = "Fax TIFF (any CCITT compression, one or more pages)" };
        var output = new Argument<FileInfo>("output") { Description = "PDF to write" };
        var command = new Command("topdf", "Convert a fax TIFF to PDF without re-encoding MMR pages") { input, output };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(input)!;
            var target = parse.GetValue(output)!;
            try
            {
                // Built in memory, written only when whole: a TIFF that cannot be read leaves no half PDF behind.
                using var pdf = new MemoryStream();
                using (var tiff = File.OpenRead(source.FullName))
                {
                    ReceivedFax.TiffToPdf(tiff, pdf, Path.GetFileNameWithoutExtension(source.Name));
                }

                File.WriteAllBytes(target.FullName, pdf.ToArray());
                parse.InvocationConfiguration.Output.WriteLine($"{source.Name} -> {target.Name}");
                return 0;
            }
            catch (Exception ex) when (ex is DocumentException or IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"faxgw doc topdf: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
