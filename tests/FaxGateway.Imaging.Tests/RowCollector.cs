namespace FaxGateway.Imaging.Tests;

/// <summary>Feeds coded data to the push decoder in given chunk sizes and keeps every row it emits.</summary>
internal sealed class RowCollector : IFaxRowSink
{
    public List<byte[]> Rows { get; } = [];

    public List<bool> Bad { get; } = [];

    public void OnRow(int rowIndex, ReadOnlySpan<byte> packedRow, bool isBad)
    {
        Assert.Equal(Rows.Count, rowIndex);
        Rows.Add(packedRow.ToArray());
        Bad.Add(isBad);
    }

    /// <summary>Splits <paramref name="data"/> at the given cumulative offsets (the last chunk is final).</summary>
    public static List<byte[]> Collect(byte[] data, int width, FaxCodingOptions options, int[] cuts, out FaxDecodeReport report)
    {
        var sink = new RowCollector();
        var state = FaxDecoderState.Create(width, options);
        var start = 0;
        report = default;
        for (var i = 0; i < cuts.Length; i++)
        {
            var end = cuts[i];
            report = FaxDecoder.Decode(ref state, data.AsSpan(start, end - start), i == cuts.Length - 1, sink);
            start = end;
        }

        Assert.True(state.IsEndOfPage);
        return sink.Rows;
    }
}
