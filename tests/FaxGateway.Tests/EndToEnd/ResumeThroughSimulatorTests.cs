using System.Diagnostics.Metrics;
using FaxGateway.Core;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Metrics;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Documents.Rendering;
using FaxGateway.Hosting;
using FaxGateway.Imaging;
using FaxGateway.Storage.Files;
using FaxGateway.Tests.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Tests.EndToEnd;

/// <summary>
/// A resumed job over real T.30 calls: the queue on SQLite, the daemon's modem lines (Class 1 driver, our T.30
/// engine, ECM) on two simulated modems; the far end hangs up in the middle of page 3 of 3, and the retry
/// must deliver page 3 alone, stamped "Page 3 of 3".
/// </summary>
public sealed class ResumeThroughSimulatorTests : IAsyncLifetime
{
    private const string HeaderFormat = "Page {page} of {pages}";

    private readonly string _traces = Path.Combine(Path.GetTempPath(), "faxgw-resume-traces-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private QueueHarness? _harness;
    private FaxMetrics _metrics = null!;
    private SimulatedLineFactory _lines = null!;

    private QueueHarness Queue => _harness!;

    public Task InitializeAsync()
    {
        _metrics = new FaxMetrics(_meters.GetRequiredService<IMeterFactory>());

        // The lines run on the real clock (the simulator answers at once in fast mode); the queue on its fake one.
        _lines = new SimulatedLineFactory(2, realTime: false, new ModemLineOptions { HeaderFormat = HeaderFormat }, _metrics, new LineActivity(),
            new FileCallTraceStore(_traces), TimeProvider.System, NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _lines.DisposeAsync();
        _metrics.Dispose();
        await _meters.DisposeAsync();
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>Pages 1 and 2 nearly white (a few hundred octets in MMR), page 3 noise (hundreds of kilobytes).</summary>
    private static byte[] ThreePageTiff()
    {
        var random = new Random(3);
        var pages = Enumerable.Range(1, 3).Select(n =>
        {
            var page = new PageRaster(1728, 2292, 204, 196);
            if (n < 3)
            {
                for (var row = 300 + (n * 200); row < 400 + (n * 200); row++)
                {
                    page.Pixels.AsSpan((row * page.Stride) + 40, 60).Fill(0xFF);
                }
            }
            else
            {
                random.NextBytes(page.Pixels.AsSpan(200 * page.Stride, 1800 * page.Stride));
            }

            return page;
        });
        using var buffer = new MemoryStream();
        TiffFax.Write(buffer, pages, FaxCodingOptions.Mmr);
        return buffer.ToArray();
    }

    private static async Task<IReadOnlyList<PageRaster>> ReceiveOneCallAsync(IFaxLine line, string path, CancellationToken cancellationToken)
    {
        var call = await line.WaitForCallAsync(cancellationToken);
        var result = await line.ReceiveAsync(call, new ReceiveTarget { SessionId = FaxIds.NewShort(), TiffPath = path, LocalIdent = "RECEIVER" }, cancellationToken);
        return result.PagesReceived == 0 ? [] : [.. TiffFax.Read(path).Select(p => p.Raster)];
    }

    /// <summary>What the header band of document page <paramref name="page"/> of <paramref name="pages"/> must look like.</summary>
    private static byte[] HeaderBand(PageRaster like, int page, int pages)
    {
        var expected = new PageRaster(like.Width, like.Height, like.XDpi, like.YDpi);
        new PageHeaderLine(HeaderFormat, TimeZoneInfo.Utc, TimeProvider.System).Stamp(expected, new PageHeaderFields(), page, pages);
        return Band(expected);
    }

    private static byte[] Band(PageRaster page) => page.Pixels.AsSpan(0, PageHeaderLine.BandRows(page.YDpi) * page.Stride).ToArray();

    private static void AssertSameBelowHeader(PageRaster sent, PageRaster received)
    {
        Assert.Equal(sent.Width, received.Width);
        Assert.Equal(sent.Height, received.Height);
        var from = PageHeaderLine.BandRows(sent.YDpi) * sent.Stride;
        Assert.True(sent.Pixels.AsSpan(from).SequenceEqual(received.Pixels.AsSpan(from)), "the page below the header differs from the one sent");
    }

    [Fact]
    public async Task A_3_page_fax_cut_in_page_3_is_retried_with_page_3_only_stamped_page_3_of_3()
    {
        _harness = await new QueueHarness().StartAsync();
        var (document, received) = await SendCutThenRetryAsync();

        var page3 = Assert.Single(received);
        Assert.Equal(HeaderBand(page3, 3, 3), Band(page3));
        Assert.NotEqual(HeaderBand(page3, 1, 1), Band(page3));
        AssertSameBelowHeader(document[2], page3);
    }

    [Fact]
    public async Task With_resuming_off_the_retry_sends_all_3_pages_again()
    {
        _harness = await new QueueHarness(queue: o => o.ResumeAtFirstUnconfirmedPage = false).StartAsync();
        var (document, received) = await SendCutThenRetryAsync();

        Assert.Equal(3, received.Count);
        for (var p = 0; p < 3; p++)
        {
            Assert.Equal(HeaderBand(received[p], p + 1, 3), Band(received[p]));
            AssertSameBelowHeader(document[p], received[p]);
        }
    }

    /// <summary>
    /// Sends a 3-page job whose first call the far end cuts in page 3, then its retry; checks the queue's view of
    /// both calls and returns the stored document and the pages the second call delivered.
    /// </summary>
    private async Task<(PageRaster[] Document, IReadOnlyList<PageRaster> Retried)> SendCutThenRetryAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var senderLine = await _lines.OpenAsync("sim0", ct);
        var receiverLine = await _lines.OpenAsync("sim1", ct);
        await using var sender = senderLine;
        await using var receiver = receiverLine;
        var callee = _lines.Exchange.Ports[1];

        var file = await Queue.UploadAsync(ThreePageTiff(), "image/tiff");
        var submitted = await Queue.Get<Core.Jobs.JobService>().SubmitAsync(new Core.Jobs.SendRequest
        {
            AccountId = Queue.Account.Id, From = Queue.Number, To = [callee.Number], FileIds = [file],
        }, ct);
        Assert.True(await Queue.ConvertNextAsync());
        var jobs = Queue.Get<IJobRepository>();
        var job = (await jobs.GetJobAsync(submitted.Jobs[0].Id, ct))!;
        Assert.Equal(3, job.PageCount);
        var document = TiffFax.Read(Queue.Get<IFileContentStore>().GetFullPath((await Queue.Get<IFileRepository>().GetAsync(Queue.Account.Id, job.DocumentFileId!, ct))!.RelativePath))
            .Select(p => p.Raster).ToArray();
        var worker = Queue.Worker(sender, _lines.Lines[0].Number);

        // Call 1: the far end hangs up once it has received 64 KB of high-speed data, well into page 3.
        callee.Modem.Line.HangUpAfterReceivedImageBytes = 64 * 1024;
        var firstCall = ReceiveOneCallAsync(receiver, Path.Combine(_traces, "rx1.tif"), ct);
        Assert.True(await worker.TrySendNextAsync(ct));
        var received = await firstCall;
        job = (await jobs.GetJobAsync(job.Id, ct))!;
        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(2, job.PagesConfirmed);
        Assert.Equal(2, received.Count);
        AssertSameBelowHeader(document[0], received[0]);
        AssertSameBelowHeader(document[1], received[1]);
        Assert.Equal(HeaderBand(received[0], 1, 3), Band(received[0]));
        Assert.Equal(HeaderBand(received[1], 2, 3), Band(received[1]));

        // Call 2, once the retry is due, on a clean line.
        callee.Modem.Line.HangUpAfterReceivedImageBytes = null;
        Queue.Time.Advance(job.NotBefore - Queue.Time.GetUtcNow());
        var secondCall = ReceiveOneCallAsync(receiver, Path.Combine(_traces, "rx2.tif"), ct);
        Assert.True(await worker.TrySendNextAsync(ct));
        var retried = await secondCall;

        job = (await jobs.GetJobAsync(job.Id, ct))!;
        Assert.Equal(JobState.Sent, job.State);
        Assert.Equal(3, job.PagesConfirmed);
        var fax = Assert.Single(await Queue.FaxesAsync(FaxCategory.Sent));
        Assert.Equal(FaxStatuses.Success, fax.Status);
        Assert.Equal(3, fax.Pages);
        return (document, retried);
    }
}
