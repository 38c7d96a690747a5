using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;

namespace FaxGateway.Protocol.Tests.Interop;

/// <summary>Our engine against spandsp's T.30 terminal (libspandsp2): an independent implementation of the same standard.</summary>
public sealed class SpandspInteropTests
{
    [Theory]
    [InlineData(false, false, 256)]
    [InlineData(true, false, 256)]
    [InlineData(true, true, 256)]
    [InlineData(true, true, 64)]
    public void Our_sender_to_spandsp_receiver(bool ecm, bool loseFrames, int frameSize)
    {
        var rxFile = Path.Combine(Path.GetTempPath(), $"faxgw-spandsp-rx-{Guid.NewGuid():N}.tif");
        var source = new WhitePages(pages: 2);
        using var line = new SpandspLine(
            new T30SessionOptions
            {
                Role = CallRole.Caller,
                LocalIdent = "+1 555 0100",
                PageSource = source,
                UseEcm = ecm,
                EcmFrameSize = frameSize,
                LocalCapabilities = new FaxCapabilities { Compressions = FaxCompression.MH },
            },
            peerCalls: false,
            peer =>
            {
                SpandspT30.t30_set_rx_file(peer, rxFile, -1);
                SpandspT30.t30_set_ecm_capability(peer, ecm ? 1 : 0);
                SpandspT30.t30_set_supported_modems(peer, SpandspT30.SupportV27ter | SpandspT30.SupportV29 | SpandspT30.SupportV17);
                SpandspT30.t30_set_supported_compressions(peer, SpandspT30.SupportT4OneD | SpandspT30.SupportT4TwoD);
            })
        {
            LoseEcmFramesOnce = loseFrames ? [0, 2] : [],
        };
        try
        {
            line.Run(TimeSpan.FromMinutes(5));
            var result = line.Ours.Result!;
            Assert.True(result.Success, line.Log.ToString());
            Assert.Equal(2, result.PagesConfirmed);
            Assert.Equal("SPANDSP", result.RemoteIdent);
            Assert.Equal(ecm, result.Pages[0].Ecm);
            Assert.Equal(0, line.PeerCompletion);
            Assert.Equal(2, line.PeerStatistics()[3]);
            Assert.Equal("+1 555 0100", line.PeerRemoteIdent?.Trim());
            // spandsp's PPR named exactly the lost frames, and only those were sent again.
            Assert.Equal(loseFrames ? 2 : 0, line.EcmFramesLost);
            Assert.Equal(loseFrames ? 2 : 0, result.Pages.Sum(p => p.ResentFrames));
        }
        finally
        {
            File.Delete(rxFile);
        }
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    public void Spandsp_sender_to_our_receiver(bool ecm, bool loseFrames, bool v27terOnly)
    {
        var txFile = Path.Combine(CorpusFolder(), "t24", "CCITT_1.TIF");
        var sink = new CollectingSink();
        using var line = new SpandspLine(
            new T30SessionOptions { Role = CallRole.Answerer, LocalIdent = "+1 555 0199", PageSink = sink, UseEcm = ecm },
            peerCalls: true,
            peer =>
            {
                SpandspT30.t30_set_tx_file(peer, txFile, -1, -1);
                SpandspT30.t30_set_ecm_capability(peer, ecm ? 1 : 0);
                SpandspT30.t30_set_supported_modems(peer, v27terOnly ? SpandspT30.SupportV27ter : SpandspT30.SupportV27ter | SpandspT30.SupportV29 | SpandspT30.SupportV17);
                SpandspT30.t30_set_supported_compressions(peer, SpandspT30.SupportT4OneD | SpandspT30.SupportT4TwoD | SpandspT30.SupportT6);
            })
        {
            LoseEcmFramesOnce = loseFrames ? [1, 5, 70] : [],
        };
        line.Run(TimeSpan.FromMinutes(5));
        var result = line.Ours.Result!;
        Assert.True(result.Success, line.Log.ToString());
        Assert.Equal(HangupReason.Normal, result.Reason);
        Assert.Equal(1, result.PagesConfirmed);
        Assert.Equal("SPANDSP", result.RemoteIdent);
        Assert.Equal(ecm, result.Pages[0].Ecm);
        Assert.Equal(v27terOnly ? FaxRate.V27ter4800 : FaxRate.V17_14400, result.Pages[0].Rate);
        Assert.Equal(0, line.PeerCompletion);
        Assert.Equal(1, line.PeerStatistics()[2]);
        var page = Assert.Single(sink.Pages);
        Assert.True(page.Length > 1000, $"page of {page.Length} octets: {string.Join(", ", sink.Calls)}");
        Assert.Equal("+1 555 0199", line.PeerRemoteIdent?.Trim());
        // Our PPR named exactly the lost frames; spandsp counts the frames it sent again.
        Assert.Equal(loseFrames ? 3 : 0, line.EcmFramesLost);
        Assert.Equal(loseFrames ? 3 : 0, result.Pages[0].ResentFrames);
        Assert.Equal(loseFrames ? 3 : 0, line.PeerStatistics()[13]);
    }

    [Fact]
    public void We_poll_a_document_from_spandsp()
    {
        var txFile = Path.Combine(CorpusFolder(), "t24", "CCITT_2.TIF");
        var sink = new CollectingSink();
        using var line = new SpandspLine(
            new T30SessionOptions { Role = CallRole.Caller, LocalIdent = "POLLER", PageSink = sink, UseEcm = false },
            peerCalls: false,
            peer => SpandspT30.t30_set_tx_file(peer, txFile, -1, -1));
        line.Run(TimeSpan.FromMinutes(5));
        var result = line.Ours.Result!;
        Assert.True(result.Success, line.Log.ToString());
        Assert.Equal(1, result.PagesConfirmed);
        Assert.Equal(0, line.PeerCompletion);
        Assert.Equal(1, line.PeerStatistics()[2]);
        Assert.True(Assert.Single(sink.Pages).Length > 1000);
    }

    [Fact]
    public void Spandsp_polls_our_document()
    {
        var rxFile = Path.Combine(Path.GetTempPath(), $"faxgw-spandsp-poll-{Guid.NewGuid():N}.tif");
        using var line = new SpandspLine(
            new T30SessionOptions
            {
                Role = CallRole.Answerer,
                LocalIdent = "DOCUMENTS",
                PageSource = new WhitePages(pages: 1),
                UseEcm = false,
                LocalCapabilities = new FaxCapabilities { Compressions = FaxCompression.MH },
            },
            peerCalls: true,
            peer => SpandspT30.t30_set_rx_file(peer, rxFile, -1));
        try
        {
            line.Run(TimeSpan.FromMinutes(5));
            var result = line.Ours.Result!;
            Assert.True(result.Success, line.Log.ToString());
            Assert.Equal(1, result.PagesConfirmed);
            Assert.Equal(0, line.PeerCompletion);
            Assert.Equal(1, line.PeerStatistics()[3]);
        }
        finally
        {
            File.Delete(rxFile);
        }
    }

    /// <summary>
    /// A noisy page draws RTN from spandsp. spandsp 0.0.6 accepts only DCN (or the repeated post-page
    /// message) after its RTN, so our retraining DCS is answered with DCN: either way the page must be
    /// reported as rejected, never as sent.
    /// </summary>
    [Theory]
    [InlineData(RtnPolicy.Retransmit, HangupReason.TxPhaseBRspRecDcn)]
    [InlineData(RtnPolicy.GiveUp, HangupReason.TxPhaseDUnspecified)]
    public void Rtn_from_spandsp_leaves_the_page_rejected(RtnPolicy policy, HangupReason reason)
    {
        var rxFile = Path.Combine(Path.GetTempPath(), $"faxgw-spandsp-rtn-{Guid.NewGuid():N}.tif");
        var source = new WhitePages(pages: 1) { GarbageOnFirstAttempt = true };
        using var line = new SpandspLine(
            new T30SessionOptions
            {
                Role = CallRole.Caller,
                PageSource = source,
                UseEcm = false,
                RtnPolicy = policy,
                LocalCapabilities = new FaxCapabilities { Compressions = FaxCompression.MH },
            },
            peerCalls: false,
            peer =>
            {
                SpandspT30.t30_set_rx_file(peer, rxFile, -1);
                SpandspT30.t30_set_ecm_capability(peer, 0);
                // V.27ter and V.29 only: our DCS must pick V.29 9600 from spandsp's DIS.
                SpandspT30.t30_set_supported_modems(peer, SpandspT30.SupportV27ter | SpandspT30.SupportV29);
            });
        try
        {
            line.Run(TimeSpan.FromMinutes(5));
            var result = line.Ours.Result!;
            Assert.Equal(reason, result.Reason);
            Assert.False(result.Success);
            var page = Assert.Single(result.Pages);
            Assert.Equal(PageOutcome.Rejected, page.Outcome);
            Assert.Equal(FaxRate.V29_9600, page.Rate);
            Assert.Equal(0, result.PagesConfirmed);
            Assert.NotNull(line.PeerCompletion);
        }
        finally
        {
            File.Delete(rxFile);
        }
    }

    private static string CorpusFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/corpus not found above the test binaries");
    }

    private sealed class CollectingSink : IFaxPageSink
    {
        private MemoryStream? _page;

        public List<byte[]> Pages { get; } = [];

        public List<string> Calls { get; } = [];

        public void BeginPage(int pageIndex, DcsParameters mode)
        {
            Calls.Add($"begin {pageIndex}");
            _page = new MemoryStream();
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            Calls.Add($"write {data.Length}");
            _page!.Write(data);
        }

        public PageVerdict EndPage()
        {
            Pages.Add(_page!.ToArray());
            return new PageVerdict(CopyQuality.Good);
        }
    }

    /// <summary>All-white MH pages in line order, each row padded to the negotiated minimum scan time.</summary>
    private sealed class WhitePages(int pages) : IFaxPageSource
    {
        private int _requests;

        /// <summary>The first transmission is noise, so the receiver rejects it (RTN).</summary>
        public bool GarbageOnFirstAttempt { get; init; }

        public int PageCount => pages;

        public FaxPageFormat GetFormat(int pageIndex) => new(FaxResolution.Fine);

        public ReadOnlyMemory<byte> GetPageData(int pageIndex, DcsParameters mode)
        {
            Assert.Equal(FaxCompression.MH, mode.Compression);
            if (GarbageOnFirstAttempt && _requests++ == 0)
            {
                var noise = new byte[8000];
                new Random(7).NextBytes(noise);
                return noise;
            }

            var writer = new LsbBitWriter();
            for (var row = 0; row < 200; row++)
            {
                // Fill zeros before the EOL so that a row lasts at least the minimum scan time.
                var rowBits = 12 + 9 + 8;
                writer.Zeros(Math.Max(0, mode.MinBitsPerRow - rowBits));
                writer.Write("000000000001"); // EOL
                writer.Write("010011011");    // white make-up 1728
                writer.Write("00110101");     // white terminating 0
            }

            for (var i = 0; i < 6; i++)
            {
                writer.Write("000000000001"); // RTC
            }

            return writer.ToArray();
        }
    }

    /// <summary>Packs bits first-on-the-line into the least significant bit of each octet.</summary>
    private sealed class LsbBitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _bit;

        public void Write(string bits)
        {
            foreach (var c in bits)
            {
                Put(c == '1');
            }
        }

        public void Zeros(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Put(false);
            }
        }

        public byte[] ToArray() => [.. _bytes];

        private void Put(bool one)
        {
            if (_bit == 0)
            {
                _bytes.Add(0);
            }

            if (one)
            {
                _bytes[^1] |= (byte)(1 << _bit);
            }

            _bit = (_bit + 1) & 7;
        }
    }
}
