using FaxGateway.Protocol.Capabilities;

namespace FaxGateway.Protocol.Session;

/// <summary>
/// The sender's document, implemented by the calls layer. Page data are handed over coded for the
/// negotiated DCS (coding, width, resolution; non-ECM rows padded to <see cref="DcsParameters.MinBitsPerRow"/>),
/// complete with RTC (T.4) or EOFB (T.6), in line order (first bit on the line = least significant bit of
/// each octet), because the engine slices them into ECM frames unchanged.
/// </summary>
public interface IFaxPageSource
{
    int PageCount { get; }

    /// <summary>The format the page should be sent in; a change from one page to the next is sent as EOM and a new DCS.</summary>
    FaxPageFormat GetFormat(int pageIndex);

    /// <summary>The page coded for <paramref name="mode"/>. Called again with a new mode after a fallback or retransmission.</summary>
    ReadOnlyMemory<byte> GetPageData(int pageIndex, DcsParameters mode);
}

/// <summary>How good a received page is: Good = MCF, Poor = RTP (accepted, retrain), Bad = RTN (rejected).</summary>
public enum CopyQuality
{
    Good,
    Poor,
    Bad,
}

/// <summary>The receiver's copy-quality verdict on a page.</summary>
public readonly record struct PageVerdict(CopyQuality Quality, int BadLines = 0);

/// <summary>
/// Where received pages go, implemented by the calls layer (decoding and copy-quality checking).
/// Data arrive in line order, as received (non-ECM: raw, possibly damaged; ECM: the corrected blocks in order).
/// </summary>
public interface IFaxPageSink
{
    /// <summary>A page starts. A page rejected with RTN may be followed by its retransmission as a new page.</summary>
    void BeginPage(int pageIndex, DcsParameters mode);

    void Write(ReadOnlySpan<byte> data);

    /// <summary>The page is complete; the verdict decides MCF/RTP/RTN (non-ECM). In ECM the data are exact and
    /// the page is confirmed with MCF; the verdict is recorded in the result.</summary>
    PageVerdict EndPage();

    /// <summary>ECM flow control: false makes the engine answer RNR until it turns true (T5 bounds the wait at the far end).</summary>
    bool IsReady => true;
}
