using FaxGateway.Protocol.Frames;

namespace FaxGateway.Protocol.Ecm;

/// <summary>ECM framing of a page (T.4 Annex A): partial pages of at most 256 frames of 64 or 256 octets.</summary>
public static class PartialPage
{
    public const int MaxFramesPerBlock = 256;

    /// <summary>Splits page data into blocks of frame payloads; the last frame of the page may be short.</summary>
    public static IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> Split(ReadOnlyMemory<byte> page, int frameSize)
    {
        if (frameSize is not (64 or 256))
        {
            throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "ECM frames are 64 or 256 octets");
        }

        var blocks = new List<IReadOnlyList<ReadOnlyMemory<byte>>>();
        var blockBytes = frameSize * MaxFramesPerBlock;
        var offset = 0;
        do
        {
            var frames = new List<ReadOnlyMemory<byte>>();
            var end = Math.Min(page.Length, offset + blockBytes);
            for (var at = offset; at < end; at += frameSize)
            {
                frames.Add(page[at..Math.Min(end, at + frameSize)]);
            }

            if (frames.Count == 0)
            {
                // An empty page still needs one (empty) frame so the PPS has something to count.
                frames.Add(ReadOnlyMemory<byte>.Empty);
            }

            blocks.Add(frames);
            offset = end;
        }
        while (offset < page.Length);

        return blocks;
    }

    /// <summary>FCD frame: FF 03 06, frame number, data.</summary>
    public static T30Frame FcdFrame(int frameNumber, ReadOnlySpan<byte> data)
    {
        Span<byte> fif = stackalloc byte[1 + data.Length];
        fif[0] = (byte)frameNumber;
        data.CopyTo(fif[1..]);
        return T30Frame.Create(FrameType.Fcd, false, fif, false);
    }

    /// <summary>RCP frame: FF 03 86, ends a partial page (sent three times).</summary>
    public static T30Frame RcpFrame() => T30Frame.Create(FrameType.Rcp, false, [], false);

    /// <summary>PPS FIF: FCF2 (PPM with X bit, or NULL), page counter, block counter, frames in block - 1 (spandsp send_pps_frame).</summary>
    public static byte[] PpsFif(byte fcf2, int pageCounter, int blockCounter, int framesInBlock) =>
        [fcf2, (byte)pageCounter, (byte)blockCounter, (byte)(framesInBlock - 1)];
}

/// <summary>The 256-bit PPR map (32 octets): bit n (octet n/8, mask 1 &lt;&lt; n%8) set = frame n must be sent again.</summary>
public static class PprMap
{
    public const int Octets = 32;

    public static byte[] Build(IEnumerable<int> badFrames)
    {
        ArgumentNullException.ThrowIfNull(badFrames);
        var map = new byte[Octets];
        foreach (var n in badFrames)
        {
            if (n is < 0 or >= PartialPage.MaxFramesPerBlock)
            {
                throw new ArgumentOutOfRangeException(nameof(badFrames), n, "ECM frame numbers are 0-255");
            }

            map[n >> 3] |= (byte)(1 << (n & 7));
        }

        return map;
    }

    /// <summary>Frame numbers flagged in a received map (limited to the block's frame count).</summary>
    public static List<int> BadFrames(ReadOnlySpan<byte> map, int framesInBlock)
    {
        if (map.Length < Octets)
        {
            T30FrameException.Throw($"PPR FIF of {map.Length} octets is shorter than the 32-octet frame map");
        }

        var bad = new List<int>();
        for (var n = 0; n < framesInBlock && n < PartialPage.MaxFramesPerBlock; n++)
        {
            if ((map[n >> 3] & (1 << (n & 7))) != 0)
            {
                bad.Add(n);
            }
        }

        return bad;
    }
}
