using System.Globalization;
using System.Text;
using FaxGateway.Documents.Raster;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Pdf;

/// <summary>How one page of a sent fax ended.</summary>
public enum FaxPageOutcome
{
    /// <summary>Confirmed by the receiver (MCF).</summary>
    Sent,

    /// <summary>Confirmed after retransmission (RTN/PPR then MCF).</summary>
    SentAfterRetry,

    /// <summary>Rejected or never confirmed.</summary>
    Failed,

    /// <summary>Not reached: the call ended before this page.</summary>
    NotSent,
}

/// <summary>One page line of the report.</summary>
public sealed record FaxReportPage(int Number, FaxPageOutcome Outcome, string? Detail = null);

/// <summary>What a confirmation report states about a fax job; Core fills it from the job record.</summary>
public sealed record FaxReportJob
{
    public required string JobId { get; init; }

    /// <summary>Final status in the API's words ("success", "failed", "partial" ...).</summary>
    public required string Status { get; init; }

    public string From { get; init; } = "";

    public string To { get; init; } = "";

    public string RecipientName { get; init; } = "";

    /// <summary>The receiver's station id (CSI) as it announced itself.</summary>
    public string RemoteStationId { get; init; } = "";

    public DateTimeOffset Submitted { get; init; }

    public DateTimeOffset? Completed { get; init; }

    public TimeSpan? Duration { get; init; }

    public int Attempts { get; init; }

    /// <summary>e.g. "V.17 14400, MMR, ECM, 204x196".</summary>
    public string Connection { get; init; } = "";

    public string FailureReason { get; init; } = "";

    public IReadOnlyList<FaxReportPage> Pages { get; init; } = [];
}

/// <summary>
/// The confirmation report of a sent fax as a PDF (FAX.PLUS's report route): job facts, one line per page
/// with its outcome, and a thumbnail of the first page. Text uses the standard Helvetica, so it is
/// searchable and needs no font files (a standard 14 font every reader has).
/// </summary>
public static class ConfirmationReport
{
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Margin = 56;
    private const double ThumbnailWidth = 170;
    private const double RowHeight = 15;

    public static void Write(Stream output, FaxReportJob job, PageRaster? firstPage, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(timeZone);
        var pdf = new PdfFile();
        var fonts = $"/Font << /H1 {pdf.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")} 0 R "
            + $"/H2 {pdf.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")} 0 R >>";
        var resources = $"<< {fonts} >>";
        var content = new StringBuilder();
        var y = PageHeight - Margin;

        Text(content, "/H2", 20, Margin, y - 20, "Fax transmission report");
        y -= 48;

        string Time(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, timeZone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
        var sent = job.Pages.Count(p => p.Outcome is FaxPageOutcome.Sent or FaxPageOutcome.SentAfterRetry);
        (string, string)[] facts =
        [
            ("Job", job.JobId),
            ("Status", job.Status),
            ("From", job.From),
            ("To", string.IsNullOrEmpty(job.RecipientName) ? job.To : $"{job.RecipientName} ({job.To})"),
            ("Remote station", job.RemoteStationId),
            ("Submitted", Time(job.Submitted)),
            ("Completed", job.Completed is { } c ? Time(c) : ""),
            ("Duration", job.Duration is { } d ? $"{(int)d.TotalMinutes}:{d.Seconds:00}" : ""),
            ("Attempts", job.Attempts.ToString(CultureInfo.InvariantCulture)),
            ("Connection", job.Connection),
            ("Pages sent", $"{sent} of {job.Pages.Count}"),
            ("Reason", job.FailureReason),
        ];
        foreach (var (label, value) in facts.Where(f => f.Item2.Length > 0))
        {
            Text(content, "/H2", 10, Margin, y, label);
            Text(content, "/H1", 10, Margin + 95, y, value);
            y -= RowHeight;
        }

        if (firstPage is not null)
        {
            var (width, height, grey) = Thumbnail(firstPage);
            var image = FaxPdfWriter.GreyImage(pdf, width, height, grey);
            resources = $"<< {fonts} /XObject << /Thumb {image} 0 R >> >>";
            var thumbHeight = ThumbnailWidth * (firstPage.Height / firstPage.YDpi) / (firstPage.Width / firstPage.XDpi);
            var x = PageWidth - Margin - ThumbnailWidth;
            var top = PageHeight - Margin - 40;
            content.Append(CultureInfo.InvariantCulture, $"q {ThumbnailWidth:0.##} 0 0 {thumbHeight:0.##} {x:0.##} {top - thumbHeight:0.##} cm /Thumb Do Q\n");
            content.Append(CultureInfo.InvariantCulture, $"0.5 w {x:0.##} {top - thumbHeight:0.##} {ThumbnailWidth:0.##} {thumbHeight:0.##} re S\n");
            Text(content, "/H1", 8, x, top - thumbHeight - 12, "First page");
            y = Math.Min(y, top - thumbHeight - 30);
        }

        y -= 10;
        Text(content, "/H2", 10, Margin, y, "Page");
        Text(content, "/H2", 10, Margin + 60, y, "Outcome");
        Text(content, "/H2", 10, Margin + 180, y, "Detail");
        y -= RowHeight;
        foreach (var row in job.Pages)
        {
            if (y < Margin)
            {
                pdf.AddPage(PageWidth, PageHeight, resources, content.ToString());
                content.Clear();
                y = PageHeight - Margin - 12;
            }

            Text(content, "/H1", 10, Margin, y, row.Number.ToString(CultureInfo.InvariantCulture));
            Text(content, "/H1", 10, Margin + 60, y, Describe(row.Outcome));
            Text(content, "/H1", 10, Margin + 180, y, row.Detail ?? "");
            y -= RowHeight;
        }

        pdf.AddPage(PageWidth, PageHeight, resources, content.ToString());
        pdf.Save(output, $"Fax report {job.JobId}");
    }

    internal static string Describe(FaxPageOutcome outcome) => outcome switch
    {
        FaxPageOutcome.Sent => "sent",
        FaxPageOutcome.SentAfterRetry => "sent after retry",
        FaxPageOutcome.Failed => "failed",
        _ => "not sent",
    };

    /// <summary>A grey thumbnail 1/4 of the page's pixels across, rows scaled to keep the physical aspect.</summary>
    internal static (int Width, int Height, byte[] Grey) Thumbnail(PageRaster page)
    {
        var width = page.Width / 4;
        var height = Math.Max(1, (int)Math.Round(page.Height / page.YDpi * page.XDpi / 4));
        var grey = GreyScaler.Resize(GreyImage.FromBilevel(page), width, height, page.XDpi / 4, page.XDpi / 4);
        return (width, height, grey.Pixels);
    }

    private static void Text(StringBuilder content, string font, double size, double x, double y, string text) =>
        content.Append(CultureInfo.InvariantCulture, $"BT {font} {size:0.#} Tf {x:0.##} {y:0.##} Td {PdfFile.Literal(text)} Tj ET\n");
}
