using System.Buffers;

namespace FaxGateway.Imaging;

/// <summary>
/// Re-codes a page between MH, MR and MMR (and between flavours: EOL, fill, bit order, scan-time padding) row by row
/// through changing elements: the decoder's change list feeds the encoder directly, no bitmap in between. One
/// instance re-codes page after page without allocating.
/// </summary>
public sealed class FaxTranscoder
{
    private readonly FaxEncoder _encoder;
    private FaxDecoderState _state;

    public FaxTranscoder(int width, FaxCodingOptions from, FaxCodingOptions to)
    {
        _state = FaxDecoderState.Create(width, from);
        _encoder = new FaxEncoder(width, to);
    }

    /// <summary>Pixels per row.</summary>
    public int Width => _encoder.Width;

    /// <summary>Counters of the page being re-coded.</summary>
    public FaxDecodeReport Report => _state.Report;

    /// <summary>Starts a new page.</summary>
    public void Reset()
    {
        _state.Reset();
        _encoder.Reset();
    }

    /// <summary>
    /// Push mode: re-codes every row the chunk completes (bad rows are re-coded as the row that replaced them).
    /// Returns true once the input page has ended; then call <see cref="Finish"/>.
    /// </summary>
    public bool Push(ReadOnlySpan<byte> chunk, bool isFinalBlock, IBufferWriter<byte> output, int maxRows = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new FaxDecoder(ref _state, chunk, isFinalBlock);
        while (_encoder.RowsEncoded < maxRows && reader.TryReadRow())
        {
            _encoder.EncodeRowChanges(reader.RowChanges, output);
        }

        return _state.IsEndOfPage || _encoder.RowsEncoded >= maxRows;
    }

    /// <summary>Writes the output's end-of-page marker and resets for the next page.</summary>
    public FaxDecodeReport Finish(IBufferWriter<byte> output)
    {
        var report = _state.Report;
        _encoder.Finish(output);
        _state.Reset();
        return report;
    }

    /// <summary>Re-codes one whole page held in memory; <paramref name="maxRows"/> stops at a known row count (TIFF).</summary>
    public FaxDecodeReport TranscodePage(ReadOnlySpan<byte> input, IBufferWriter<byte> output, int maxRows = int.MaxValue)
    {
        Reset();
        Push(input, true, output, maxRows);
        return Finish(output);
    }

    /// <summary>Convenience: re-codes a page into a new array.</summary>
    public static byte[] Transcode(ReadOnlySpan<byte> input, int width, FaxCodingOptions from, FaxCodingOptions to, out FaxDecodeReport report, int maxRows = int.MaxValue)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, input.Length * 2));
        report = new FaxTranscoder(width, from, to).TranscodePage(input, buffer, maxRows);
        return buffer.WrittenSpan.ToArray();
    }
}
