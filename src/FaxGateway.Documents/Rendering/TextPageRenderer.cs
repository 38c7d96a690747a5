using System.Text;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Rendering;

/// <summary>
/// Sets plain text on fax pages in the embedded monospace font, like a typewriter page: 80 columns
/// (2.5 mm pitch, close to 10 cpi), about 6 lines per inch, tabs every 8 columns, form feed starts a page,
/// long lines wrap.
/// </summary>
public static class TextPageRenderer
{
    public const int Columns = 80;

    private const int ScaleX = 2;

    /// <summary>Font rows to page rows at 196 lpi: 20 × 1.6 = 32 rows = 6.1 lines per inch.</summary>
    private const double RowScaleAtFine = 1.6;

    private const double TopMarginInches = 0.4;

    private const int TabWidth = 8;

    public static IReadOnlyList<PageRaster> Render(string text, ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        var rowScale = RowScaleAtFine * options.YDpi / 196.0;
        var lineRows = BitmapFont.CellRows(rowScale);
        var pageRows = options.PageRows;
        var top = (int)Math.Round(TopMarginInches * options.YDpi);
        var left = (FaxPageFormat.Width - (Columns * BitmapFont.CellWidth * ScaleX)) / 2;
        var linesPerPage = Math.Max(1, (pageRows - (2 * top)) / lineRows);

        // Trailing blank lines and form feeds would only make an empty last page.
        text = text.TrimEnd('\n', '\r', ' ', '\t', '\f');
        var pages = new List<PageRaster>();
        PageRaster? page = null;
        var line = 0;
        foreach (var (content, formFeed) in Lines(text))
        {
            if (page is null || line >= linesPerPage)
            {
                page = NewPage(pages, options);
                line = 0;
            }

            if (formFeed)
            {
                if (line > 0)
                {
                    page = NewPage(pages, options);
                    line = 0;
                }

                continue;
            }

            if (pages.Count > options.MaxPages)
            {
                throw new DocumentException(DocumentProblem.TooManyPages, $"The text runs to more than {options.MaxPages} pages, the limit.");
            }

            BitmapFont.Fixed10x20.Draw(page, left, top + (line * lineRows), content, ScaleX, rowScale);
            line++;
        }

        if (pages.Count == 0)
        {
            NewPage(pages, options);
        }

        return pages;
    }

    private static PageRaster NewPage(List<PageRaster> pages, ConversionOptions options)
    {
        var page = new PageRaster(FaxPageFormat.Width, options.PageRows, FaxPageFormat.XDpi, options.YDpi);
        pages.Add(page);
        return page;
    }

    /// <summary>Display lines: tabs expanded, wrapped at <see cref="Columns"/>; a form feed yields a marker line.</summary>
    internal static IEnumerable<(string Content, bool FormFeed)> Lines(string text)
    {
        var line = new StringBuilder(Columns);
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var pieces = raw.Split('\f');
            for (var p = 0; p < pieces.Length; p++)
            {
                if (p > 0)
                {
                    yield return (string.Empty, true);
                }

                line.Clear();
                var emitted = false;
                foreach (var ch in pieces[p])
                {
                    if (ch == '\t')
                    {
                        line.Append(' ', TabWidth - (line.Length % TabWidth));
                    }
                    else if (ch != '\r' && ch != '\uFEFF')
                    {
                        line.Append(ch);
                    }

                    while (line.Length >= Columns)
                    {
                        yield return (line.ToString(0, Columns), false);
                        line.Remove(0, Columns);
                        emitted = true;
                    }
                }

                if (line.Length > 0 || !emitted)
                {
                    if (p == pieces.Length - 1 || line.Length > 0)
                    {
                        yield return (line.ToString(), false);
                    }
                }
            }
        }
    }
}
