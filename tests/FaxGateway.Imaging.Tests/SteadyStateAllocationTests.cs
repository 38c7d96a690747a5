using System.Buffers;

namespace FaxGateway.Imaging.Tests;

/// <summary>Zero allocations per page in steady state: encoder, decoder and transcoder reused across pages.</summary>
public sealed class SteadyStateAllocationTests
{
    [Fact]
    public void Encoding_decoding_and_transcoding_pages_allocate_nothing_once_warmed_up()
    {
        var page = TestPages.CorpusPage("t24/CCITT_4.TIF");
        foreach (var options in new[] { FaxCodingOptions.Mh, FaxCodingOptions.Mr with { BitOrder = FaxBitOrder.LsbFirst, MinBitsPerRow = 400 }, FaxCodingOptions.Mmr })
        {
            var encoder = new FaxEncoder(page.Width, options);
            var output = new ArrayBufferWriter<byte>(1 << 20);
            var state = FaxDecoderState.Create(page.Width, options);
            var target = new PageRaster(page.Width, page.Height);
            var transcoder = new FaxTranscoder(page.Width, options, FaxCodingOptions.Mh);
            var transcoded = new ArrayBufferWriter<byte>(1 << 20);

            void OnePage()
            {
                output.Clear();
                encoder.EncodePage(page, output);
                state.Reset();
                FaxDecoder.DecodeBlock(ref state, output.WrittenSpan, target, 0, target.Height);
                transcoded.Clear();
                transcoder.TranscodePage(output.WrittenSpan, transcoded);
            }

            OnePage();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 3; i++)
            {
                OnePage();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            PageAssert.SamePixels(page, target, options.ToString());
        }
    }
}
