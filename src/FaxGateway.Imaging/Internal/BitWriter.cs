using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FaxGateway.Imaging.Internal;

/// <summary>
/// Writes codes MSB-first through a 64-bit accumulator and stores four bytes at a time. Bits that do not yet
/// fill a byte stay in <see cref="Accumulator"/>/<see cref="BitCount"/> and are carried to the next row by the caller.
/// </summary>
internal ref struct BitWriter
{
    private readonly Span<byte> _destination;
    private readonly bool _lsbFirst;
    private ulong _acc;
    private int _bits;
    private int _pos;

    public BitWriter(Span<byte> destination, ulong accumulator, int bitCount, bool lsbFirst)
    {
        _destination = destination;
        _acc = accumulator;
        _bits = bitCount;
        _lsbFirst = lsbFirst;
        _pos = 0;
    }

    /// <summary>Whole bytes stored so far.</summary>
    public readonly int BytesWritten => _pos;

    public readonly ulong Accumulator => _acc;

    public readonly int BitCount => _bits;

    /// <summary>Bits written so far, counting the pending ones.</summary>
    public readonly long BitPosition => ((long)_pos << 3) + _bits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(uint code, int length)
    {
        _acc |= (ulong)code << (64 - _bits - length);
        _bits += length;
        if (_bits >= 32)
        {
            Store32();
        }
    }

    /// <summary>Writes zero bits (fill).</summary>
    public void WriteZeros(int count)
    {
        while (count > 0)
        {
            var step = Math.Min(count, 24);
            Write(0, step);
            count -= step;
        }
    }

    /// <summary>Pads with zeros to the next byte boundary.</summary>
    public void AlignToByte()
    {
        var rest = _bits & 7;
        if (rest != 0)
        {
            Write(0, 8 - rest);
        }
    }

    /// <summary>Stores every complete byte; up to 7 bits stay pending.</summary>
    public void FlushWholeBytes()
    {
        while (_bits >= 8)
        {
            var b = (byte)(_acc >> 56);
            _destination[_pos++] = _lsbFirst ? BitReversal.Table[b] : b;
            _acc <<= 8;
            _bits -= 8;
        }
    }

    /// <summary>Stores everything, padding the last byte with zeros.</summary>
    public void FlushAll()
    {
        AlignToByte();
        FlushWholeBytes();
    }

    /// <summary>Hands the writer's state to a hot loop that keeps it in locals (see <see cref="Put"/>).</summary>
    public readonly void Save(out ulong acc, out int bits, out int pos)
    {
        acc = _acc;
        bits = _bits;
        pos = _pos;
    }

    /// <summary>Takes the state back from a hot loop.</summary>
    public void Restore(ulong acc, int bits, int pos)
    {
        _acc = acc;
        _bits = bits;
        _pos = pos;
    }

    public readonly Span<byte> Destination => _destination;

    public readonly bool LsbFirst => _lsbFirst;

    /// <summary>
    /// <see cref="Write"/> on locals: encoders run their rows with the accumulator in registers and store four bytes
    /// whenever 32 bits are pending.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put(Span<byte> destination, bool lsbFirst, ref ulong acc, ref int bits, ref int pos, uint code, int length)
    {
        acc |= (ulong)code << (64 - bits - length);
        bits += length;
        if (bits >= 32)
        {
            var word = (uint)(acc >> 32);
            if (lsbFirst)
            {
                word = BitReversal.InBytes(word);
            }

            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(pos, 4), word);
            pos += 4;
            acc <<= 32;
            bits -= 32;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store32()
    {
        var word = (uint)(_acc >> 32);
        if (_lsbFirst)
        {
            word = BitReversal.InBytes(word);
        }

        BinaryPrimitives.WriteUInt32BigEndian(_destination.Slice(_pos, 4), word);
        _pos += 4;
        _acc <<= 32;
        _bits -= 32;
    }
}

/// <summary>Reverses the bit order inside bytes (TIFF FillOrder 2, modem LSB-first order).</summary>
internal static class BitReversal
{
    public static readonly byte[] Table = Build();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong InBytes(ulong w)
    {
        w = ((w >> 1) & 0x5555555555555555UL) | ((w & 0x5555555555555555UL) << 1);
        w = ((w >> 2) & 0x3333333333333333UL) | ((w & 0x3333333333333333UL) << 2);
        return ((w >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((w & 0x0F0F0F0F0F0F0F0FUL) << 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint InBytes(uint w)
    {
        w = ((w >> 1) & 0x55555555U) | ((w & 0x55555555U) << 1);
        w = ((w >> 2) & 0x33333333U) | ((w & 0x33333333U) << 2);
        return ((w >> 4) & 0x0F0F0F0FU) | ((w & 0x0F0F0F0FU) << 4);
    }

    /// <summary>Reverses the bits of every byte in place.</summary>
    public static void Reverse(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Table[data[i]];
        }
    }

    private static byte[] Build()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var r = 0;
            for (var b = 0; b < 8; b++)
            {
                if ((i & (1 << b)) != 0)
                {
                    r |= 0x80 >> b;
                }
            }

            table[i] = (byte)r;
        }

        return table;
    }
}
