using System.Collections.Concurrent;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Simulator.Modem.Class2;

/// <summary>
/// The pages a Class 2 DTE streams after +FDT, buffered per page (line order) and handed to the engine. The page
/// count grows as page markers arrive: until the DTE has said EOP there is always one more page to come, so the
/// engine negotiates and picks MPS/EOP from what the DTE actually sent.
/// </summary>
internal sealed class Class2PageBuffer : IFaxPageSource
{
    private readonly FaxPageFormat _format;
    private readonly List<(byte[] Data, Class2PostPage Message)> _pages = [];
    private readonly Lock _lock = new();

    public Class2PageBuffer(FaxPageFormat format) => _format = format;

    /// <summary>Pages complete with their marker.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pages.Count;
            }
        }
    }

    public int PageCount
    {
        get
        {
            lock (_lock)
            {
                return _pages.Count + (_pages.Count > 0 && _pages[^1].Message == Class2PostPage.Eop ? 0 : 1);
            }
        }
    }

    public void Add(byte[] data, Class2PostPage message)
    {
        lock (_lock)
        {
            _pages.Add((data, message));
        }
    }

    public Class2PostPage MessageAfter(int pageIndex)
    {
        lock (_lock)
        {
            return pageIndex < _pages.Count ? _pages[pageIndex].Message : Class2PostPage.Mps;
        }
    }

    public FaxPageFormat GetFormat(int pageIndex) => _format;

    public ReadOnlyMemory<byte> GetPageData(int pageIndex, DcsParameters mode)
    {
        lock (_lock)
        {
            return pageIndex < _pages.Count ? _pages[pageIndex].Data : ReadOnlyMemory<byte>.Empty;
        }
    }
}

/// <summary>One received page on its way to the DTE: the data as it arrives, then its end and post-page message.</summary>
internal sealed class Class2ReceivedPage
{
    public ConcurrentQueue<byte[]> Chunks { get; } = new();

    public long Bytes { get; set; }

    private volatile bool _ended;

    public bool Ended
    {
        get => _ended;
        set => _ended = value;
    }

    public Class2PostPage Message { get; set; }
}

/// <summary>
/// The engine's page sink in a receiving Class 2 modem: data go to the DTE (+FDR) as they arrive; the page's
/// verdict is the DTE's (+FPS=n / +FPTS=n), which <see cref="Class2Call"/> waits for before the engine answers.
/// </summary>
internal sealed class Class2PageReceiver : IFaxPageSink
{
    private readonly Class2Call _owner;
    private readonly List<Class2ReceivedPage> _pages = [];
    private readonly Lock _lock = new();

    public Class2PageReceiver(Class2Call owner) => _owner = owner;

    public bool PageOpen { get; private set; }

    public int PagesBegun
    {
        get
        {
            lock (_lock)
            {
                return _pages.Count;
            }
        }
    }

    public Class2ReceivedPage? Page(int index)
    {
        lock (_lock)
        {
            return index < _pages.Count ? _pages[index] : null;
        }
    }

    public void BeginPage(int pageIndex, DcsParameters mode)
    {
        lock (_lock)
        {
            _pages.Add(new Class2ReceivedPage());
        }

        PageOpen = true;
        _owner.WakeModem();
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        var page = Page(PagesBegun - 1);
        if (page is null || data.IsEmpty)
        {
            return;
        }

        page.Chunks.Enqueue(data.ToArray());
        page.Bytes += data.Length;
        _owner.WakeModem();
    }

    /// <summary>The post-page message arrived: the DTE gets <c>&lt;DLE&gt;&lt;ETX&gt;</c> and the page reports.</summary>
    public void EndOfData(Class2PostPage message)
    {
        if (Page(PagesBegun - 1) is { } page)
        {
            page.Message = message;
            page.Ended = true;
        }

        _owner.WakeModem();
    }

    public PageVerdict EndPage()
    {
        PageOpen = false;
        var verdict = _owner.PageVerdict;
        _owner.PageVerdict = 1;
        return verdict switch
        {
            2 => new PageVerdict(CopyQuality.Bad),
            3 => new PageVerdict(CopyQuality.Poor),
            _ => new PageVerdict(CopyQuality.Good),
        };
    }
}
