namespace FaxGateway.Modems.Calls;

/// <summary>
/// Non-ECM phase C starts with whatever the demodulator made of the training and fill before the first EOL (T.4
/// 4.1.4: the receiver synchronises on the first EOL). This drops every bit before the first EOL (eleven zeros and a
/// one) and realigns the rest so the decoder's stream starts with that EOL. Line order (first bit = LSB); a plain
/// struct carried across chunks, one shift per byte after synchronisation.
/// </summary>
internal struct EolAligner
{
    private const int EolZeros = 11;

    private bool _synchronised;
    private int _zeros;
    private uint _accumulator;
    private int _bits;

    /// <summary>True once the first EOL has been seen.</summary>
    public readonly bool IsSynchronised => _synchronised;

    /// <summary>The most bytes <see cref="Push"/> writes for <paramref name="inputLength"/> input bytes.</summary>
    public static int MaxOutput(int inputLength) => inputLength + 3;

    /// <summary>Feeds line bytes; writes the aligned bytes from the first EOL on to <paramref name="output"/> and returns their count.</summary>
    public int Push(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        var i = 0;
        while (!_synchronised && i < input.Length)
        {
            var octet = input[i++];
            for (var bit = 0; bit < 8; bit++)
            {
                if (_synchronised)
                {
                    // The rest of this octet after the EOL's one bit.
                    _accumulator |= (uint)((octet >> bit) & 1) << _bits;
                    _bits++;
                    continue;
                }

                if (((octet >> bit) & 1) == 0)
                {
                    _zeros++;
                }
                else if (_zeros >= EolZeros)
                {
                    // Emit exactly an EOL (eleven zeros and the one), then everything after it.
                    _synchronised = true;
                    _accumulator = 1u << EolZeros;
                    _bits = EolZeros + 1;
                }
                else
                {
                    _zeros = 0;
                }
            }

            written += Drain(output[written..]);
        }

        for (; i < input.Length; i++)
        {
            _accumulator |= (uint)input[i] << _bits;
            _bits += 8;
            written += Drain(output[written..]);
        }

        return written;
    }

    /// <summary>Pads the last partial octet with zeros (fill bits, harmless to the decoder) and writes it.</summary>
    public int Flush(Span<byte> output)
    {
        if (_bits == 0)
        {
            return 0;
        }

        _bits = 8;
        return Drain(output);
    }

    private int Drain(Span<byte> output)
    {
        var n = 0;
        while (_bits >= 8)
        {
            output[n++] = (byte)_accumulator;
            _accumulator >>= 8;
            _bits -= 8;
        }

        return n;
    }
}
