using System.Text.Json;
using FaxGateway.Core.Model;
using FaxGateway.Documents;
using FaxGateway.Documents.Pdf;
using FaxGateway.Documents.Rendering;
using FaxGateway.Imaging;

namespace FaxGateway.Core.Documents;

/// <summary>Document settings of the daemon (configuration section <c>Documents</c>).</summary>
public sealed class DocumentOptions
{
    public const string SectionName = "Documents";

    /// <summary>Pages of one outgoing fax, cover page included.</summary>
    public int MaxPages { get; set; } = 200;

    /// <summary>Fine (204x196) by default; Standard halves the lines per inch.</summary>
    public FaxResolution Resolution { get; set; } = FaxResolution.Fine;
    public PaperSize Paper { get; set; } = PaperSize.A4;
    public string GhostscriptPath { get; set; } = "gs";
    public TimeSpan RasteriseTimeout { get; set; } = TimeSpan.FromSeconds(120);
}

/// <summary>
/// The converting step over the Documents layer: each upload is sniffed, rasterised (PDF through
/// Ghostscript) and normalised to the fax grid; an optional cover page goes first; all pages are
/// written as one MMR TIFF-F file.
/// </summary>
public sealed class DocumentsFaxConverter(DocumentOptions options, TimeProvider time) : IFaxDocumentConverter
{
    public async Task<int> ConvertAsync(IReadOnlyList<DocumentSource> sources, string outputTiffPath, DocumentConversionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(request);
        var conversion = new ConversionOptions
        {
            Resolution = request.Resolution ?? options.Resolution,
            Paper = options.Paper,
            MaxPages = options.MaxPages,
            GhostscriptPath = options.GhostscriptPath,
            RasteriseTimeout = options.RasteriseTimeout,
        };
        var pages = new List<PageRaster>();
        try
        {
            foreach (var source in sources)
            {
                var content = await File.ReadAllBytesAsync(source.FullPath, cancellationToken).ConfigureAwait(false);
                var document = await DocumentConverter.ConvertAsync(content, conversion, cancellationToken).ConfigureAwait(false);
                pages.AddRange(document.Pages);
                if (pages.Count > options.MaxPages)
                {
                    throw new DocumentConversionException(FailureKind.ConversionFailed, $"The documents make more than {options.MaxPages} pages.");
                }
            }

            if (CoverPageOf(request.CoverPageJson) is { } cover)
            {
                pages.Insert(0, CoverPage.Default(TimeZoneInfo.Utc).Render(cover with { PageCount = pages.Count + 1, Date = time.GetUtcNow() }, conversion.Resolution, options.Paper));
            }

            TiffFax.Write(outputTiffPath, pages, FaxCodingOptions.Mmr);
            return pages.Count;
        }
        catch (DocumentException e)
        {
            throw new DocumentConversionException(
                e.Problem == DocumentProblem.UnsupportedType ? FailureKind.UnsupportedDocument : FailureKind.ConversionFailed, e.Message, e);
        }
        catch (FaxCodingException e)
        {
            throw new DocumentConversionException(FailureKind.ConversionFailed, e.Message, e);
        }
    }

    /// <summary>FAX.PLUS OutboxCoverPage JSON (name_to, name_from, subject, message) to what the renderer shows.</summary>
    private static CoverPageInfo? CoverPageOf(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        string Text(string name) => doc.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        return new CoverPageInfo { Recipient = Text("name_to"), Sender = Text("name_from"), Subject = Text("subject"), Comment = Text("message") };
    }
}

/// <summary>Downloads over the Documents layer: stored TIFF-F pages to PDF, and the confirmation report.</summary>
public sealed class DocumentsFaxRenderer : IFaxDocumentRenderer
{
    public async Task WritePdfAsync(string tiffPath, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new MemoryStream();
        var tiff = new FileStream(tiffPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        await using (tiff.ConfigureAwait(false))
        {
            ReceivedFax.TiffToPdf(tiff, buffer);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteReportPdfAsync(FaxRecord fax, string? tiffPath, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fax);
        ArgumentNullException.ThrowIfNull(output);
        var firstPage = tiffPath is not null && File.Exists(tiffPath) ? TiffFax.Read(tiffPath).FirstOrDefault()?.Raster : null;
        var job = new FaxReportJob
        {
            JobId = fax.Id,
            Status = fax.Status,
            From = fax.From,
            To = fax.To,
            RemoteStationId = fax.RemoteIdent,
            Submitted = fax.SubmitTime ?? fax.StartTime,
            Completed = fax.StartTime + TimeSpan.FromSeconds(fax.DurationSeconds),
            Duration = TimeSpan.FromSeconds(fax.DurationSeconds),
            FailureReason = fax.Status == FaxStatuses.Success ? "" : fax.Description,
            Pages = [.. Enumerable.Range(1, fax.Pages).Select(n => new FaxReportPage(n, FaxPageOutcome.Sent))],
        };
        var buffer = new MemoryStream();
        ConfirmationReport.Write(buffer, job, firstPage, TimeZoneInfo.Utc);
        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
    }
}
