using BitMiracle.LibTiff.Classic;
using FaxGateway.Documents.Ingestion;

namespace FaxGateway.Documents.Pdf;

/// <summary>
/// Reads the pages of a fax TIFF as coded data for <see cref="FaxPdfWriter"/>. A page stored as one
/// T.6 strip (what our TIFF-F writer produces, and most fax software) is passed through untouched
/// (bit-reversed when FillOrder is LSB2MSB); other pages are returned as null for the caller to re-encode.
/// </summary>
internal static class FaxTiffPages
{
    public static IEnumerable<(EncodedFaxPage? Passthrough, int Directory)> Read(Tiff tiff, TiffIngest.CapturingErrorHandler errors)
    {
        var directories = tiff.NumberOfDirectories();
        for (short d = 0; d < directories; d++)
        {
            if (!tiff.SetDirectory(d))
            {
                throw new DocumentException(DocumentProblem.Corrupt, $"TIFF page {d + 1} cannot be read: {errors.Describe()}");
            }

            yield return (TryPassthrough(tiff), d);
        }
    }

    private static EncodedFaxPage? TryPassthrough(Tiff tiff)
    {
        var compression = (Compression)(tiff.GetField(TiffTag.COMPRESSION)?[0].ToInt() ?? 1);
        var bits = tiff.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
        var photometric = (Photometric)(tiff.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? 0);
        if (compression != Compression.CCITTFAX4 || bits != 1 || photometric != Photometric.MINISWHITE || tiff.NumberOfStrips() != 1)
        {
            return null;
        }

        var width = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        var height = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        var (xDpi, yDpi) = TiffIngest.Resolution(tiff);
        var size = tiff.RawStripSize(0);
        if (width <= 0 || height <= 0 || size <= 0)
        {
            return null;
        }

        var data = new byte[size];
        if (tiff.ReadRawStrip(0, data, 0, (int)size) != size)
        {
            throw new DocumentException(DocumentProblem.Truncated, "A TIFF page's coded data ends before its strip byte count.");
        }

        var fill = (FillOrder)(tiff.GetField(TiffTag.FILLORDER)?[0].ToInt() ?? (int)FillOrder.MSB2LSB);
        if (fill == FillOrder.LSB2MSB)
        {
            Tiff.ReverseBits(data, data.Length);
        }

        return new EncodedFaxPage(width, height, xDpi, yDpi, data);
    }
}
