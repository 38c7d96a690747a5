using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FaxGateway.Imaging.Internal;

/// <summary>
/// Conversion between packed rows and changing elements (T.4 4.2.1.3.1: the positions where the colour
/// changes, starting from an imaginary white pixel before the row). A row of width w with n changes is stored
/// as n ascending positions below w followed by <see cref="Sentinels"/> copies of w, so that the b1/b2 search
/// of 2-D coding never runs off the end.
/// </summary>
internal static class ChangingElements
{
    public const int Sentinels = 4;

    /// <summary>Scratch length for the changes of one row of the given width.</summary>
    public static int BufferLength(int width) => width + Sentinels + 8;

    /// <summary>
    /// Finds the colour changes of a packed row a 64-bit word at a time: XOR with the current colour's mask and
    /// count leading zeros, so a run of any length costs one step per word rather than one per pixel.
    /// </summary>
    public static int Find(ReadOnlySpan<byte> row, int width, Span<int> changes)
    {
        var n = 0;
        var invert = 0UL; // 0 while looking for the next black pixel, all ones while looking for the next white one
        var wordCount = (width + 63) >> 6;
        var fullWords = row.Length >> 3;
        ref var rowRef = ref MemoryMarshal.GetReference(row);
        var pos = 0;
        var wi = 0;
        var word = wi < fullWords ? LoadFull(ref rowRef, 0) : LoadPartial(row, 0);
        while (true)
        {
            var bits = (word ^ invert) & (ulong.MaxValue >> (pos & 63));
            if (bits != 0)
            {
                pos = (wi << 6) + BitOperations.LeadingZeroCount(bits);
                if (pos >= width)
                {
                    break;
                }

                changes[n++] = pos;
                invert = ~invert;
                continue;
            }

            wi++;
            if (wi >= wordCount)
            {
                break;
            }

            pos = wi << 6;
            word = wi < fullWords ? LoadFull(ref rowRef, wi) : LoadPartial(row, wi);
        }

        changes.Slice(n, Sentinels).Fill(width);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LoadFull(ref byte rowRef, int wordIndex)
    {
        var raw = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref rowRef, wordIndex << 3));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    private static ulong LoadPartial(ReadOnlySpan<byte> row, int wordIndex)
    {
        var start = wordIndex << 3;
        var word = 0UL;
        for (var i = 0; i < 8; i++)
        {
            var b = start + i < row.Length ? row[start + i] : 0;
            word = (word << 8) | (uint)b;
        }

        return word;
    }

    /// <summary>Draws a row from its changes: clears it, then fills each black run with whole bytes in the middle.</summary>
    public static void Render(ReadOnlySpan<int> changes, int width, Span<byte> row)
    {
        row.Clear();
        var n = changes.Length;
        for (var i = 0; i < n; i += 2)
        {
            var start = changes[i];
            var end = i + 1 < n ? changes[i + 1] : width;
            if (end > start)
            {
                FillBlack(row, start, end);
            }
        }
    }

    /// <summary>Words of scratch <see cref="Render(ReadOnlySpan{int}, int, Span{byte}, ulong[])"/> needs for a row.</summary>
    public static int RenderWords(int width) => (width + 63) >> 6;

    /// <summary>
    /// Draws a row from its changes 64 pixels at a time: each black run becomes one or two masks ORed into words
    /// (plus whole words in between), and the words are stored big-endian. Much cheaper than byte-wise filling for
    /// the many short runs of text pages.
    /// </summary>
    public static void Render(ReadOnlySpan<int> changes, int width, Span<byte> row, ulong[] words)
    {
        var wordCount = RenderWords(width);
        var scratch = words.AsSpan(0, wordCount);
        scratch.Clear();
        ref var w = ref MemoryMarshal.GetArrayDataReference(words);
        var n = changes.Length;
        var i = 0;
        for (; i + 1 < n; i += 2)
        {
            SetRun(ref w, changes[i], changes[i + 1]);
        }

        if (i < n)
        {
            SetRun(ref w, changes[i], width);
        }

        var fullWords = row.Length >> 3;
        ref var r = ref MemoryMarshal.GetReference(row);
        for (var k = 0; k < fullWords && k < wordCount; k++)
        {
            var value = Unsafe.Add(ref w, k);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref r, k << 3), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);
        }

        for (var b = fullWords << 3; b < row.Length; b++)
        {
            row[b] = (byte)(scratch[b >> 3] >> (56 - ((b & 7) << 3)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetRun(ref ulong words, int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        var first = start >> 6;
        var last = (end - 1) >> 6;
        var head = ulong.MaxValue >> (start & 63);
        var tail = ulong.MaxValue << (63 - ((end - 1) & 63));
        if (first == last)
        {
            Unsafe.Add(ref words, first) |= head & tail;
            return;
        }

        Unsafe.Add(ref words, first) |= head;
        for (var k = first + 1; k < last; k++)
        {
            Unsafe.Add(ref words, k) = ulong.MaxValue;
        }

        Unsafe.Add(ref words, last) |= tail;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FillBlack(Span<byte> row, int start, int end)
    {
        var first = start >> 3;
        var last = (end - 1) >> 3;
        var headMask = (byte)(0xFF >> (start & 7));
        var tailMask = (byte)(0xFF << (7 - ((end - 1) & 7)));
        if (first == last)
        {
            row[first] |= (byte)(headMask & tailMask);
            return;
        }

        row[first] |= headMask;
        if (last - first > 1)
        {
            row.Slice(first + 1, last - first - 1).Fill(0xFF);
        }

        row[last] |= tailMask;
    }
}
