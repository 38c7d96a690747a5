using System.Globalization;
using System.Text;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Rendering;

/// <summary>What a cover page shows (FAX.PLUS's cover page option: sender, recipient, comment, page count).</summary>
public sealed record CoverPageInfo
{
    public string Sender { get; init; } = "";

    public string SenderNumber { get; init; } = "";

    public string Recipient { get; init; } = "";

    public string RecipientNumber { get; init; } = "";

    public string Subject { get; init; } = "";

    /// <summary>Free text; line breaks are kept, long lines wrap.</summary>
    public string Comment { get; init; } = "";

    /// <summary>Pages of the whole fax including the cover page.</summary>
    public int PageCount { get; init; }

    public DateTimeOffset Date { get; init; }
}

/// <summary>
/// Renders a cover page from a line template. Fields are written as in the header line ({sender},
/// {senderNumber}, {recipient}, {recipientNumber}, {subject}, {comment}, {pages}, {date[:format]});
/// a line starting "# " is a title, "## " a heading, "---" a rule, anything else body text. A line that is
/// only "{comment}" becomes the comment, wrapped, keeping its own line breaks.
/// </summary>
public sealed class CoverPage
{
    public const string DefaultTemplate =
        """
        # FAX
        ---
        ## To:    {recipient}
        Fax:      {recipientNumber}

        ## From:  {sender}
        Fax:      {senderNumber}

        Date:     {date:yyyy-MM-dd HH:mm zzz}
        Subject:  {subject}
        Pages:    {pages} (including this cover page)
        ---
        {comment}
        """;

    private const double MarginInches = 0.6;

    private readonly string[] _lines;
    private readonly TimeZoneInfo _timeZone;

    public CoverPage(string template, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(timeZone);
        _lines = template.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        _timeZone = timeZone;
    }

    public static CoverPage Default(TimeZoneInfo timeZone) => new(DefaultTemplate, timeZone);

    public PageRaster Render(CoverPageInfo info, FaxResolution resolution, PaperSize paper)
    {
        ArgumentNullException.ThrowIfNull(info);
        var yDpi = resolution.YDpi();
        var page = new PageRaster(FaxPageFormat.Width, FaxPageFormat.Rows(paper, resolution), FaxPageFormat.XDpi, yDpi);
        var fine = yDpi / 196.0;
        var left = (int)(MarginInches * FaxPageFormat.XDpi);
        var right = FaxPageFormat.Width - left;
        var y = (int)(MarginInches * yDpi);
        var bottom = page.Height - (int)(MarginInches * yDpi / 2);
        var font = BitmapFont.Fixed10x20;

        foreach (var line in _lines)
        {
            if (y >= bottom)
            {
                break;
            }

            if (line.Trim() == "---")
            {
                var thickness = Math.Max(1, (int)Math.Round(3 * fine));
                y += (int)(8 * fine);
                for (var r = 0; r < thickness && y + r < page.Height; r++)
                {
                    FillRow(page, y + r, left, right);
                }

                y += thickness + (int)(16 * fine);
                continue;
            }

            if (line.Trim() == "{comment}")
            {
                var bodyScale = 1.6 * fine;
                var columns = (right - left) / (BitmapFont.CellWidth * 2);
                foreach (var wrapped in Wrap(info.Comment, columns))
                {
                    if (y + BitmapFont.CellRows(bodyScale) > bottom)
                    {
                        break;
                    }

                    font.Draw(page, left, y, wrapped, 2, bodyScale);
                    y += BitmapFont.CellRows(bodyScale);
                }

                continue;
            }

            var (scaleX, rowScale, text) = line.StartsWith("## ", StringComparison.Ordinal) ? (3, 2.4 * fine, line[3..])
                : line.StartsWith("# ", StringComparison.Ordinal) ? (8, 8 * fine, line[2..])
                : (2, 1.6 * fine, line);
            var expanded = Expand(text, info);
            var maxChars = (right - left) / (BitmapFont.CellWidth * scaleX);
            font.Draw(page, left, y, expanded.Length > maxChars ? expanded[..maxChars] : expanded, scaleX, rowScale);
            y += BitmapFont.CellRows(rowScale) + (int)(4 * fine);
        }

        return page;
    }

    private string Expand(string text, CoverPageInfo info)
    {
        var result = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length; i++)
        {
            var close = text[i] == '{' ? text.IndexOf('}', i) : -1;
            if (close < 0)
            {
                result.Append(text[i]);
                continue;
            }

            var token = text[(i + 1)..close];
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? token : token[..colon];
            string? value = name switch
            {
                "sender" => info.Sender,
                "senderNumber" => info.SenderNumber,
                "recipient" => info.Recipient,
                "recipientNumber" => info.RecipientNumber,
                "subject" => info.Subject,
                "comment" => info.Comment.ReplaceLineEndings(" "),
                "pages" => info.PageCount.ToString(CultureInfo.InvariantCulture),
                "date" => TimeZoneInfo.ConvertTime(info.Date, _timeZone).ToString(colon < 0 ? "yyyy-MM-dd HH:mm" : token[(colon + 1)..], CultureInfo.InvariantCulture),
                _ => null,
            };
            if (value is null)
            {
                // Unknown fields print as written, so a template typo shows on the proof instead of vanishing.
                result.Append(text[i]);
                continue;
            }

            result.Append(value);
            i = close;
        }

        return result.ToString();
    }

    private static IEnumerable<string> Wrap(string text, int columns)
    {
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' '))
            {
                var w = word;
                while (w.Length > columns)
                {
                    if (line.Length > 0)
                    {
                        yield return line.ToString();
                        line.Clear();
                    }

                    yield return w[..columns];
                    w = w[columns..];
                }

                if (line.Length > 0 && line.Length + 1 + w.Length > columns)
                {
                    yield return line.ToString();
                    line.Clear();
                }

                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                line.Append(w);
            }

            yield return line.ToString();
        }
    }

    private static void FillRow(PageRaster page, int y, int from, int to)
    {
        var row = page.Row(y);
        for (var x = from; x < to; x++)
        {
            row[x >> 3] |= (byte)(0x80 >> (x & 7));
        }
    }
}
