using FaxGateway.Imaging;

namespace FaxGateway.Documents.Tests.Support;

/// <summary>
/// Pixel-exact comparison with committed golden PBM images. Set FAXGW_UPDATE_GOLDEN=1 to rewrite them
/// after a deliberate rendering change (then look at them before committing).
/// </summary>
internal static class Golden
{
    public static void AssertMatches(string name, PageRaster page)
    {
        var path = Path.Combine(TestFiles.GoldenDirectory, name + ".pbm");
        if (Environment.GetEnvironmentVariable("FAXGW_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(path, TestFiles.ToPbm(page));
        }

        Assert.True(File.Exists(path), $"Golden image {path} is missing; run with FAXGW_UPDATE_GOLDEN=1 once and review it.");
        var golden = TestFiles.FromPbm(File.ReadAllBytes(path), page.XDpi, page.YDpi);
        Assert.Equal(golden.Width, page.Width);
        Assert.Equal(golden.Height, page.Height);
        var differing = 0;
        for (var y = 0; y < page.Height; y++)
        {
            var a = golden.ReadRow(y);
            var b = page.ReadRow(y);
            for (var i = 0; i < a.Length; i++)
            {
                differing += System.Numerics.BitOperations.PopCount((uint)(a[i] ^ b[i]));
            }
        }

        Assert.True(differing == 0, $"{differing} pixels differ from golden image {name}.pbm");
    }
}
