using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Protocol.Tests.Support;

/// <summary>A document of fixed pages; records every mode the engine asked for.</summary>
internal sealed class FakePageSource : IFaxPageSource
{
    private readonly byte[][] _pages;
    private readonly FaxPageFormat[] _formats;

    public FakePageSource(int pages, int bytesPerPage = 1000, FaxResolution resolution = FaxResolution.Fine, int seed = 1)
    {
        var rng = new Random(seed);
        _pages = new byte[pages][];
        _formats = new FaxPageFormat[pages];
        for (var i = 0; i < pages; i++)
        {
            _pages[i] = new byte[bytesPerPage];
            rng.NextBytes(_pages[i]);
            _formats[i] = new FaxPageFormat(resolution);
        }
    }

    public List<(int Page, DcsParameters Mode)> Requests { get; } = [];

    public int PageCount => _pages.Length;

    public byte[] Page(int index) => _pages[index];

    public void SetFormat(int index, FaxPageFormat format) => _formats[index] = format;

    public FaxPageFormat GetFormat(int pageIndex) => _formats[pageIndex];

    public ReadOnlyMemory<byte> GetPageData(int pageIndex, DcsParameters mode)
    {
        Requests.Add((pageIndex, mode));
        return _pages[pageIndex];
    }
}

/// <summary>Collects received pages; the verdict per page can be scripted.</summary>
internal sealed class FakePageSink : IFaxPageSink
{
    private MemoryStream? _current;

    public List<byte[]> Pages { get; } = [];

    public List<DcsParameters> Modes { get; } = [];

    public Queue<PageVerdict> Verdicts { get; } = new();

    public bool Ready { get; set; } = true;

    public bool IsReady => Ready;

    public void BeginPage(int pageIndex, DcsParameters mode)
    {
        Assert.Null(_current);
        Assert.Equal(Pages.Count, pageIndex);
        _current = new MemoryStream();
        Modes.Add(mode);
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Assert.NotNull(_current);
        _current.Write(data);
    }

    public PageVerdict EndPage()
    {
        Assert.NotNull(_current);
        Pages.Add(_current.ToArray());
        _current = null;
        return Verdicts.Count > 0 ? Verdicts.Dequeue() : new PageVerdict(CopyQuality.Good);
    }
}
