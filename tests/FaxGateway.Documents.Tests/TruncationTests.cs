using FaxGateway.Documents.Tests.Support;
using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests;

/// <summary>Cut-short and bit-flipped inputs of every type raise DocumentException or convert; nothing else escapes.</summary>
public sealed class TruncationTests
{
    private static readonly ConversionOptions Options = new() { Resolution = FaxResolution.Standard, Paper = PaperSize.A4 };

    private static byte[] Image(string device)
    {
        var directory = Directory.CreateTempSubdirectory("faxgw-cut-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.ps");
            var output = Path.Combine(directory.FullName, "out.img");
            File.WriteAllText(input, "%!PS\n<< /PageSize [144 144] >> setpagedevice 0.5 setgray 10 10 100 100 rectfill 0 setgray 30 30 50 50 rectfill showpage\n");
            TestFiles.Run("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", $"-sDEVICE={device}", "-r72", $"-sOutputFile={output}", input]);
            return File.ReadAllBytes(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static TheoryData<string> Sources() => ["png16m", "pnggray", "jpeg", "tiffgray", "tiff24nc", "tiffg4", "tiffg3", "corpus:fax-tiff/G32D.TIF"];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Every_cut_and_flipped_input_raises_only_DocumentException(string source)
    {
        var content = source.StartsWith("corpus:", StringComparison.Ordinal)
            ? File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot(), "tests", "corpus", source["corpus:".Length..]))
            : Image(source);
        var step = Math.Max(1, content.Length / 25);
        var random = new Random(5);
        for (var cut = 1; cut < content.Length; cut += step)
        {
            await AssertOnlyDocumentException(content[..cut]);
            var flipped = (byte[])content.Clone();
            flipped[random.Next(8, content.Length)] ^= (byte)(1 << random.Next(8));
            await AssertOnlyDocumentException(flipped);
        }
    }

    /// <summary>A JPEG cut inside its ICC profile segment: StbImageSharp looped forever on it before the segment walk.</summary>
    [Fact]
    public async Task A_jpeg_cut_inside_a_segment_is_refused_not_decoded_forever()
    {
        var jpeg = Convert.FromBase64String("/9j/4AAQSkZJRgABAQEASABIAAD/4gogSUNDX1BST0ZJTEUAAQEAAAoQAAAAAAIQAABtbnRyUkdCIFhZWiAAAAAAAAAAAAAAAABhY3NwQVBQTAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9tYAAQA=");

        var error = await Assert.ThrowsAsync<DocumentException>(() => DocumentConverter.ConvertAsync(jpeg, Options));

        Assert.Equal(DocumentProblem.Truncated, error.Problem);
        Assert.Contains("JPEG", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertOnlyDocumentException(byte[] content)
    {
        try
        {
            var document = await DocumentConverter.ConvertAsync(content, Options);
            Assert.NotEmpty(document.Pages);
        }
        catch (DocumentException)
        {
            // The expected outcome for damaged input.
        }

    }
}
