using FaxGateway.Imaging;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Modems.Calls;

/// <summary>One page that arrived: the picture, the mode it came in, how damaged it was and the verdict given to the sender.</summary>
/// <param name="PageIndex">0-based, in order of arrival (a page rejected with RTN and sent again arrives twice).</param>
/// <param name="Page">The decoded rows (damaged rows repeat the previous row).</param>
/// <param name="Mode">The DCS it was sent with.</param>
/// <param name="Report">Rows, bad rows and the longest run of bad rows.</param>
/// <param name="Quality">Good: MCF; Bad: RTN (non-ECM) or damaged ECM data.</param>
/// <param name="CodingError">Why decoding stopped early, when it did (an MMR stream cannot resynchronise).</param>
public sealed record ReceivedFaxPage(int PageIndex, PageRaster Page, DcsParameters Mode, FaxDecodeReport Report, CopyQuality Quality, string? CodingError = null)
{
    /// <summary>True when the page was accepted (MCF/RTP).</summary>
    public bool Accepted => Quality != CopyQuality.Bad;
}

/// <summary>
/// Where a receiving call puts its pages (<see cref="IFaxPageSink"/>): the data are push-decoded as they arrive (no
/// page buffer), rows collected into a raster, and the copy quality judged at the end of the page against the
/// <see cref="CopyQualityPolicy"/>. Zero allocations per row: rows go into a growing pooled buffer.
/// </summary>
public sealed class FaxPageReceiver : IFaxPageSink, IFaxRowSink
{
    private readonly CopyQualityPolicy _policy;
    private readonly List<ReceivedFaxPage> _pages = [];
    private FaxDecoderState _state;
    private DcsParameters? _mode;
    private int _pageIndex;
    private byte[] _rows = [];
    private int _rowCount;
    private int _stride;
    private int _width;
    private string? _codingError;
    private bool _overflow;
    private bool _align;
    private EolAligner _aligner;
    private byte[] _aligned = new byte[4096];

    /// <summary>Judges pages by <paramref name="policy"/> (defaults when null).</summary>
    public FaxPageReceiver(CopyQualityPolicy? policy = null) => _policy = policy ?? new CopyQualityPolicy();

    /// <summary>Every page received so far, accepted or not.</summary>
    public IReadOnlyList<ReceivedFaxPage> Pages => _pages;

    /// <summary>
    /// Called with each page judged good, before the verdict goes back to the engine (and so before the sender gets
    /// MCF): stores the page durably. False (or an I/O error) turns the verdict to bad: never confirm a page we lost.
    /// </summary>
    public Func<ReceivedFaxPage, bool>? KeepPage { get; init; }

    /// <summary>Raised after each page with its verdict.</summary>
    public event Action<ReceivedFaxPage>? PageReceived;

    /// <inheritdoc />
    public void BeginPage(int pageIndex, DcsParameters mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        _mode = mode;
        _pageIndex = pageIndex;
        _width = mode.Width.Pixels();
        _stride = (_width + 7) >> 3;
        _state = FaxDecoderState.Create(_width, FaxPageSource.LineCoding(mode) with { MinBitsPerRow = 0 });
        _rowCount = 0;
        _codingError = null;
        _overflow = false;

        // Non-ECM pages start with demodulator noise before the first EOL; ECM data are exact from the first bit.
        _align = !mode.Ecm && mode.Compression != FaxCompression.MMR;
        _aligner = default;
        if (_rows.Length < _stride * 1200)
        {
            _rows = new byte[_stride * 1200];
        }
    }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        if (_mode is null || _codingError is not null || _state.IsEndOfPage)
        {
            return;
        }

        if (_align)
        {
            if (_aligned.Length < EolAligner.MaxOutput(data.Length))
            {
                _aligned = new byte[EolAligner.MaxOutput(data.Length)];
            }

            data = _aligned.AsSpan(0, _aligner.Push(data, _aligned));
        }

        Decode(data, isFinal: false);
    }

    private void Decode(ReadOnlySpan<byte> data, bool isFinal)
    {
        try
        {
            FaxDecoder.Decode(ref _state, data, isFinal, this);
        }
        catch (FaxCodingException ex)
        {
            // Only streams without EOLs (MMR) throw: nothing after the damage can be placed, so the page is cut there.
            _codingError = ex.Message;
        }
    }

    /// <inheritdoc />
    public PageVerdict EndPage()
    {
        if (_mode is null)
        {
            return new PageVerdict(CopyQuality.Bad);
        }

        if (_codingError is null && !_state.IsEndOfPage)
        {
            var tail = _align ? _aligner.Flush(_aligned) : 0;
            Decode(_aligned.AsSpan(0, tail), isFinal: true);
        }

        var report = _state.Report;
        var quality = Judge(report);
        var yDpi = PageScaler.LinesPerInch(FaxPageSource.ToImaging(_mode.Resolution));
        var pixels = _rows.AsSpan(0, _rowCount * _stride).ToArray();
        var page = new ReceivedFaxPage(_pageIndex, new PageRaster(_width, _rowCount, pixels, PageScaler.FaxXDpi, yDpi), _mode, report, quality, _codingError);
        if (page.Accepted && !Kept(page, out var whyNot))
        {
            page = page with { Quality = CopyQuality.Bad, CodingError = whyNot };
            quality = CopyQuality.Bad;
        }

        _pages.Add(page);
        _mode = null;
        PageReceived?.Invoke(page);
        return new PageVerdict(quality, report.BadRows);
    }

    private bool Kept(ReceivedFaxPage page, out string? whyNot)
    {
        whyNot = null;
        if (KeepPage is null)
        {
            return true;
        }

        try
        {
            if (KeepPage(page))
            {
                return true;
            }

            whyNot = "the page could not be stored";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            whyNot = "the page could not be stored: " + e.Message;
        }

        return false;
    }

    /// <inheritdoc />
    void IFaxRowSink.OnRow(int rowIndex, ReadOnlySpan<byte> packedRow, bool isBad)
    {
        if (_rowCount >= _policy.MaxRows)
        {
            _overflow = true;
            return;
        }

        var needed = (_rowCount + 1) * _stride;
        if (needed > _rows.Length)
        {
            Array.Resize(ref _rows, Math.Max(needed, _rows.Length * 2));
        }

        packedRow[.._stride].CopyTo(_rows.AsSpan(_rowCount * _stride, _stride));
        _rowCount++;
    }

    private CopyQuality Judge(FaxDecodeReport report)
    {
        if (_codingError is not null || _overflow || report.Rows == 0)
        {
            return CopyQuality.Bad;
        }

        var badPercent = report.BadRows * 100.0 / report.Rows;
        return badPercent > _policy.MaxBadLinePercent || report.MaxConsecutiveBadRows > _policy.MaxConsecutiveBadLines
            ? CopyQuality.Bad
            : CopyQuality.Good;
    }
}
