using BenchmarkDotNet.Attributes;
using FaxGateway.Benchmarks.Imaging;
using FaxGateway.Core.Inbound;
using FaxGateway.Imaging;

namespace FaxGateway.Benchmarks.Daemon;

/// <summary>
/// What keeping a received page costs inside the call: the receiving line writes each page to the receive spool
/// (MMR-encode, write, fsync, rename) between the end of the page and its MCF. T.30 gives the receiver 3 s (T4) to
/// answer the post-page message; this is the part of that budget the spool takes. One operation = one T.24 chart
/// (1728 × 2376, fine), on the data folder's file system (the temp folder here).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ReceiveSpoolBenchmarks
{
    private PageRaster[] _pages = [];
    private string _folder = "";
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _pages = [.. Enumerable.Range(1, 8).Select(i => TiffFax.Read(Corpus.T24Chart(i))[0].Raster)];
        _folder = Path.Combine(Path.GetTempPath(), "faxgw-spool-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public string KeepPage()
    {
        var page = _pages[_next % _pages.Length];
        _next++;
        return ReceivedPageFiles.Write(_folder, (_next % 9999) + 1, stream => TiffFax.Write(stream, [page], FaxCodingOptions.Mmr));
    }
}
