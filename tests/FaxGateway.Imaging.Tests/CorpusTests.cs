using FaxGateway.Imaging;

namespace FaxGateway.Imaging.Tests;

/// <summary>Every corpus file decodes to exactly the pixels LibTiff.NET decodes.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> CleanFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in RepoPaths.CorpusFiles().Where(f => !f.Contains("Premature", StringComparison.Ordinal)))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CleanFiles))]
    public void Corpus_file_decodes_to_the_pixels_LibTiff_decodes(string file)
    {
        var path = RepoPaths.CorpusFile(file);
        var expected = LibTiffReference.ReadPages(path);
        var actual = TiffFax.Read(path);

        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(0, actual[i].BadRows);
            PageAssert.SamePixels(expected[i], actual[i].Raster, $"{file} page {i}");
        }
    }

    [Fact]
    public void Corpus_has_every_file_of_the_readme()
    {
        Assert.Equal(22, RepoPaths.CorpusFiles().Count());
    }
}
