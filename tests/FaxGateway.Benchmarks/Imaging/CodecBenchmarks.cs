using System.Buffers;
using BenchmarkDotNet.Attributes;
using BitMiracle.LibTiff.Classic;
using FaxGateway.Imaging;

namespace FaxGateway.Benchmarks.Imaging;

/// <summary>
/// Our codec against LibTiff.NET, side by side on the 8 ITU-T T.24 charts (tests/corpus/t24), one operation = one page.
/// Both sides decode the same bytes (our encoder writes exactly what libtiff writes for these schemes) into a page
/// buffer, and encode a page into a reused buffer. Run: dotnet run -c Release --project tests/FaxGateway.Benchmarks
/// -- --filter '*CodecBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int Pages = 8;
    private PageRaster[] _pages = [];
    private byte[][] _coded = [];
    private Tiff[] _libTiffReaders = [];
    private byte[] _libTiffDecodeBuffer = [];
    private FaxDecoderState _state;
    private PageRaster _target = null!;
    private FaxEncoder _encoder = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private MemoryStream _libTiffOutput = null!;
    private FaxTranscoder _mmrToMh = null!;
    private byte[][] _mmr = [];

    [Params("MH", "MR", "MMR")]
    public string Scheme { get; set; } = "MH";

    private FaxCodingOptions Options => Scheme switch
    {
        "MH" => FaxCodingOptions.Mh with { EndOfPage = FaxEndOfPage.None },
        "MR" => new FaxCodingOptions(FaxCoding.Mr, K: 4, EndOfPage: FaxEndOfPage.None),
        _ => FaxCodingOptions.Mmr,
    };

    [GlobalSetup]
    public void Setup()
    {
        _pages = Enumerable.Range(1, Pages).Select(i => TiffFax.Read(Corpus.T24Chart(i))[0].Raster).ToArray();
        _coded = _pages.Select(p => FaxEncoder.Encode(p, Options)).ToArray();
        _mmr = _pages.Select(p => FaxEncoder.Encode(p, FaxCodingOptions.Mmr)).ToArray();
        _libTiffReaders = _coded.Select((data, i) => OpenForLibTiff(data, _pages[i])).ToArray();
        _libTiffDecodeBuffer = new byte[_pages[0].Pixels.Length];
        _state = FaxDecoderState.Create(1728, Options);
        _target = new PageRaster(1728, _pages[0].Height);
        _encoder = new FaxEncoder(1728, Options);
        _output = new ArrayBufferWriter<byte>(256 * 1024);
        _libTiffOutput = new MemoryStream(256 * 1024);
        _mmrToMh = new FaxTranscoder(1728, FaxCodingOptions.Mmr, FaxCodingOptions.Mh);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var tiff in _libTiffReaders)
        {
            tiff.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = Pages)]
    public int DecodeOurs()
    {
        var rows = 0;
        for (var i = 0; i < Pages; i++)
        {
            _state.Reset();
            rows += FaxDecoder.DecodeBlock(ref _state, _coded[i], _target, 0, _target.Height).Rows;
        }

        return rows;
    }

    [Benchmark(OperationsPerInvoke = Pages)]
    public int DecodeLibTiffNet()
    {
        var bytes = 0;
        for (var i = 0; i < Pages; i++)
        {
            bytes += _libTiffReaders[i].ReadEncodedStrip(0, _libTiffDecodeBuffer, 0, -1);
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Pages)]
    public int EncodeOurs()
    {
        var bytes = 0;
        for (var i = 0; i < Pages; i++)
        {
            _output.Clear();
            _encoder.EncodePage(_pages[i], _output);
            bytes += _output.WrittenCount;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Pages)]
    public long EncodeLibTiffNet()
    {
        var bytes = 0L;
        for (var i = 0; i < Pages; i++)
        {
            _libTiffOutput.SetLength(0);
            using (var tiff = Tiff.ClientOpen("bench", "w", _libTiffOutput, new KeepOpen())!)
            {
                SetTags(tiff, _pages[i]);
                tiff.WriteEncodedStrip(0, _pages[i].Pixels, _pages[i].Pixels.Length);
                tiff.WriteDirectory();
            }

            bytes += _libTiffOutput.Length;
        }

        return bytes;
    }

    /// <summary>MMR (ECM, at rest) to MH (a non-ECM receiver) through changing elements; only meaningful once, shown on every row.</summary>
    [Benchmark(OperationsPerInvoke = Pages)]
    public int TranscodeMmrToMh()
    {
        var bytes = 0;
        for (var i = 0; i < Pages; i++)
        {
            _output.Clear();
            _mmrToMh.TranscodePage(_mmr[i], _output);
            bytes += _output.WrittenCount;
        }

        return bytes;
    }

    private Tiff OpenForLibTiff(byte[] strip, PageRaster page)
    {
        var stream = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("wrap", "w", stream, new KeepOpen())!)
        {
            SetTags(tiff, page);
            tiff.WriteRawStrip(0, strip, strip.Length);
            tiff.WriteDirectory();
        }

        stream.Position = 0;
        return Tiff.ClientOpen("read", "r", stream, new TiffStream())!;
    }

    private void SetTags(Tiff tiff, PageRaster page)
    {
        tiff.SetField(TiffTag.IMAGEWIDTH, page.Width);
        tiff.SetField(TiffTag.IMAGELENGTH, page.Height);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
        tiff.SetField(TiffTag.ROWSPERSTRIP, page.Height);
        tiff.SetField(TiffTag.XRESOLUTION, 200f);
        tiff.SetField(TiffTag.YRESOLUTION, 200f);
        tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
        tiff.SetField(TiffTag.COMPRESSION, Scheme == "MMR" ? Compression.CCITTFAX4 : Compression.CCITTFAX3);
        if (Scheme == "MR")
        {
            tiff.SetField(TiffTag.GROUP3OPTIONS, (int)Group3Opt.ENCODING2D);
        }
    }

    private sealed class KeepOpen : TiffStream
    {
        public override void Close(object clientData)
        {
        }
    }
}

/// <summary>Finds tests/corpus by walking up to FaxGateway.sln.</summary>
internal static class Corpus
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FaxGateway.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("FaxGateway.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string T24Chart(int number) => Path.Combine(Root, "tests", "corpus", "t24", $"CCITT_{number}.TIF");
}
