using System.Globalization;
using System.Text;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Rendering;

/// <summary>What a header line can show; Core fills it from the job.</summary>
public sealed record PageHeaderFields
{
    /// <summary>Sender name (the account's or the job's "from" text).</summary>
    public string Sender { get; init; } = "";

    /// <summary>Sender fax number / TSI.</summary>
    public string SenderNumber { get; init; } = "";

    public string Recipient { get; init; } = "";

    public string RecipientNumber { get; init; } = "";

    public string JobId { get; init; } = "";

    /// <summary>
    /// The document page number of the first page stamped: a retried fax that resumes at page 3 still says
    /// "page 3 of 3", as the recipient already has pages 1 and 2.
    /// </summary>
    public int FirstPage { get; init; } = 1;

    /// <summary>Pages of the whole document ({pages}); 0: the pages stamped, counted from <see cref="FirstPage"/>.</summary>
    public int DocumentPages { get; init; }
}

/// <summary>
/// The header line stamped into the top rows of each page at send time (HylaFAX's TagLineFormat).
/// The format is text with fields in braces, and '|' dividing the line into columns spread across the page
/// (first column left, last right, the rest centred):
/// <c>{date:yyyy-MM-dd HH:mm}|From: {sender} {senderNumber}|To: {recipient}|Page {page} of {pages}</c>.
/// Fields: sender, senderNumber, recipient, recipientNumber, job, page, pages, date[:.NET format]. "{{" is a brace.
/// Dates are shown in the configured time zone; the clock is the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class PageHeaderLine
{
    public const string DefaultFormat = "{date:yyyy-MM-dd HH:mm}|From: {sender} {senderNumber}|Page {page} of {pages}";

    private const string DefaultDateFormat = "yyyy-MM-dd HH:mm";

    /// <summary>Left and right margin of the header line, pixels at 204 dpi (about 4 mm).</summary>
    private const int SideMargin = 32;

    private readonly string _format;
    private readonly TimeZoneInfo _timeZone;
    private readonly TimeProvider _time;

    public PageHeaderLine(string format, TimeZoneInfo timeZone, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(time);
        Validate(format);
        _format = format;
        _timeZone = timeZone;
        _time = time;
    }

    /// <summary>Rows the header occupies at <paramref name="yDpi"/>: the 20-row font at its 196 lpi size plus one row each side.</summary>
    public static int BandRows(double yDpi) => BitmapFont.CellRows(yDpi / 196.0) + 2;

    /// <summary>The header text for one page, columns joined by '|' (as the format divides them).</summary>
    public string Format(PageHeaderFields fields, int page, int pages) => Format(fields, page, pages, _time.GetUtcNow());

    /// <summary>
    /// Whites out the top band of every page and draws its header; one timestamp for the whole send. The pages
    /// are numbered from <see cref="PageHeaderFields.FirstPage"/> of <see cref="PageHeaderFields.DocumentPages"/>.
    /// </summary>
    public void Stamp(IReadOnlyList<PageRaster> pages, PageHeaderFields fields)
    {
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.FirstPage < 1 || fields.DocumentPages < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fields), $"FirstPage must be at least 1 and DocumentPages not negative (were {fields.FirstPage}, {fields.DocumentPages}).");
        }

        var total = fields.DocumentPages > 0 ? fields.DocumentPages : fields.FirstPage - 1 + pages.Count;
        var now = _time.GetUtcNow();
        for (var i = 0; i < pages.Count; i++)
        {
            StampPage(pages[i], Format(fields, fields.FirstPage + i, total, now));
        }
    }

    /// <summary>Stamps one page (when pages are streamed to the modem one at a time).</summary>
    public void Stamp(PageRaster page, PageHeaderFields fields, int pageNumber, int pageCount)
        => StampPage(page, Format(fields, pageNumber, pageCount, _time.GetUtcNow()));

    private static void StampPage(PageRaster page, string text)
    {
        ArgumentNullException.ThrowIfNull(page);
        var rowScale = page.YDpi / 196.0;
        var band = Math.Min(page.Height, BandRows(page.YDpi));
        page.Pixels.AsSpan(0, band * page.Stride).Clear();

        var columns = text.Split('|');
        var usable = page.Width - (2 * SideMargin);
        var maxChars = usable / BitmapFont.CellWidth;
        for (var c = 0; c < columns.Length; c++)
        {
            var column = columns[c].Trim();
            if (column.Length > maxChars)
            {
                column = column[..maxChars];
            }

            var textWidth = column.Length * BitmapFont.CellWidth;
            int x;
            if (columns.Length == 1 || c == 0)
            {
                x = SideMargin;
            }
            else if (c == columns.Length - 1)
            {
                x = page.Width - SideMargin - textWidth;
            }
            else
            {
                var centre = SideMargin + (usable * c / (columns.Length - 1));
                x = Math.Clamp(centre - (textWidth / 2), SideMargin, page.Width - SideMargin - textWidth);
            }

            BitmapFont.Fixed10x20.Draw(page, x, 1, column, 1, rowScale);
        }
    }

    private string Format(PageHeaderFields fields, int page, int pages, DateTimeOffset utcNow)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var local = TimeZoneInfo.ConvertTime(utcNow, _timeZone);
        var text = new StringBuilder(_format.Length + 64);
        for (var i = 0; i < _format.Length; i++)
        {
            var ch = _format[i];
            if (ch == '{' && i + 1 < _format.Length && _format[i + 1] == '{')
            {
                text.Append('{');
                i++;
                continue;
            }

            if (ch == '}' && i + 1 < _format.Length && _format[i + 1] == '}')
            {
                text.Append('}');
                i++;
                continue;
            }

            if (ch != '{')
            {
                text.Append(ch);
                continue;
            }

            var close = _format.IndexOf('}', i);
            var token = _format[(i + 1)..close];
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? token : token[..colon];
            var argument = colon < 0 ? null : token[(colon + 1)..];
            text.Append(name switch
            {
                "sender" => fields.Sender,
                "senderNumber" => fields.SenderNumber,
                "recipient" => fields.Recipient,
                "recipientNumber" => fields.RecipientNumber,
                "job" => fields.JobId,
                "page" => page.ToString(CultureInfo.InvariantCulture),
                "pages" => pages.ToString(CultureInfo.InvariantCulture),
                _ => local.ToString(argument ?? DefaultDateFormat, CultureInfo.InvariantCulture),
            });
            i = close;
        }

        return text.ToString();
    }

    private static readonly string[] FieldNames = ["sender", "senderNumber", "recipient", "recipientNumber", "job", "page", "pages", "date"];

    /// <summary>Rejects unknown fields and bad date formats when configured, not when the first fax goes out.</summary>
    private static void Validate(string format)
    {
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '{' && i + 1 < format.Length && format[i + 1] == '{')
            {
                i++;
                continue;
            }

            if (format[i] != '{')
            {
                continue;
            }

            var close = format.IndexOf('}', i);
            if (close < 0)
            {
                throw new ArgumentException($"Header line format has an unclosed '{{' at {i}: \"{format}\".", nameof(format));
            }

            var token = format[(i + 1)..close];
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? token : token[..colon];
            if (!FieldNames.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"Header line format names an unknown field {{{name}}}; known: {string.Join(", ", FieldNames)}.", nameof(format));
            }

            if (colon >= 0)
            {
                if (name != "date")
                {
                    throw new ArgumentException($"Only {{date}} takes a format, not {{{name}}}.", nameof(format));
                }

                try
                {
                    _ = DateTimeOffset.UnixEpoch.ToString(token[(colon + 1)..], CultureInfo.InvariantCulture);
                }
                catch (FormatException ex)
                {
                    throw new ArgumentException($"Header line date format \"{token[(colon + 1)..]}\" is not a valid .NET date format.", nameof(format), ex);
                }
            }

            i = close;
        }
    }
}
