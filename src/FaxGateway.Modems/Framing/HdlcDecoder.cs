namespace FaxGateway.Modems.Framing;

/// <summary>One HDLC frame found in a bit stream: the octets without the FCS and the FCS verdict.</summary>
public sealed record HdlcFrame(byte[] Data, bool FcsOk);

/// <summary>Receives one decoded frame (without its FCS) and whether the FCS was right.</summary>
public delegate void HdlcFrameHandler(ReadOnlySpan<byte> frame, bool fcsOk);

/// <summary>
/// Bit-level HDLC deframer for ECM image data received on the high-speed carrier (+FRM): finds flags,
/// removes inserted zeros, drops aborts (seven ones) and frames that are not a whole number of octets,
/// and checks the CRC-16 FCS. Input bytes are in line order, LSB first (as a Class 1 modem delivers them).
/// Resumable: the bit state is kept between <see cref="Decode(ReadOnlySpan{byte}, HdlcFrameHandler)"/> calls,
/// so splitting the input anywhere gives the same frames. Damage is counted, never thrown.
/// </summary>
public sealed class HdlcDecoder
{
    /// <summary>T.4 Annex A frames: FF 03 06 seq + 256 octets + FCS; the default leaves room.</summary>
    public const int DefaultMaxFrameLength = 300;

    private readonly byte[] _frame;
    private int _length;
    private int _partial;
    private int _partialBits;
    private int _ones;
    private bool _synchronised;

    /// <summary>Creates a decoder that accepts frames of up to <paramref name="maxFrameLength"/> octets including the FCS.</summary>
    public HdlcDecoder(int maxFrameLength = DefaultMaxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 3);
        _frame = new byte[maxFrameLength];
    }

    /// <summary>Frames delivered with a good FCS.</summary>
    public long GoodFrames { get; private set; }

    /// <summary>Frames delivered with a bad FCS.</summary>
    public long BadFcsFrames { get; private set; }

    /// <summary>Aborts (seven or more ones) that cut a frame.</summary>
    public long Aborts { get; private set; }

    /// <summary>Frames that were too short, not a whole number of octets, or longer than the limit; dropped.</summary>
    public long MalformedFrames { get; private set; }

    /// <summary>Flags seen (preamble and frame delimiters).</summary>
    public long Flags { get; private set; }

    /// <summary>Forgets the current frame and waits for the next flag.</summary>
    public void Reset()
    {
        _length = 0;
        _partial = 0;
        _partialBits = 0;
        _ones = 0;
        _synchronised = false;
    }

    /// <summary>Feeds line bytes; every complete frame is passed to <paramref name="onFrame"/>.</summary>
    public void Decode(ReadOnlySpan<byte> data, HdlcFrameHandler onFrame)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        var table = DestuffTable;
        foreach (var octet in data)
        {
            if (_ones <= 5)
            {
                // Fast path: an octet without a flag or abort in it (given the ones carried in) is one table lookup.
                var entry = table[(_ones << 8) | octet];
                if ((entry & SpecialBit) == 0)
                {
                    _ones = (entry >> 12) & 0x7;
                    if (_synchronised)
                    {
                        AddDataBits(entry & 0xFF, (entry >> 8) & 0xF);
                    }

                    continue;
                }
            }

            for (var bit = 0; bit < 8; bit++)
            {
                PutBit((octet >> bit) & 1, onFrame);
            }
        }
    }

    /// <summary>Feeds line bytes and returns the frames completed by them.</summary>
    public IReadOnlyList<HdlcFrame> Decode(ReadOnlySpan<byte> data)
    {
        var frames = new List<HdlcFrame>();
        Decode(data, (frame, ok) => frames.Add(new HdlcFrame(frame.ToArray(), ok)));
        return frames;
    }

    private void PutBit(int bit, HdlcFrameHandler onFrame)
    {
        if (bit == 1)
        {
            _ones++;
            if (_ones == 7)
            {
                // Abort: a frame in progress is lost; wait for a flag.
                if (_synchronised && (_length > 0 || _partialBits > 6))
                {
                    Aborts++;
                }

                _synchronised = false;
                _length = 0;
                _partialBits = 0;
                return;
            }

            if (_ones == 6)
            {
                // Either a flag or an abort: never data.
                return;
            }

            AddDataBit(1);
            return;
        }

        var run = _ones;
        _ones = 0;
        if (run == 5)
        {
            // An inserted zero: drop it.
            return;
        }

        if (run == 6)
        {
            OnFlag(onFrame);
            return;
        }

        if (run > 6)
        {
            // The zero that ends an abort or idle ones.
            return;
        }

        AddDataBit(0);
    }

    private const int SpecialBit = 1 << 15;

    // Entry: bits 0-7 data bits, 8-11 count, 12-14 ones carried out, 15 "flag or abort inside: decode bit by bit";
    // indexed by (ones carried in 0..5) * 256 + octet.
    private static readonly int[] DestuffTable = BuildDestuffTable();

    private static int[] BuildDestuffTable()
    {
        var table = new int[6 * 256];
        for (var onesIn = 0; onesIn <= 5; onesIn++)
        {
            for (var octet = 0; octet < 256; octet++)
            {
                int bits = 0, count = 0, ones = onesIn, special = 0;
                for (var bit = 0; bit < 8 && special == 0; bit++)
                {
                    if (((octet >> bit) & 1) == 1)
                    {
                        if (++ones >= 6)
                        {
                            special = SpecialBit;
                        }
                        else
                        {
                            bits |= 1 << count++;
                        }
                    }
                    else
                    {
                        if (ones != 5)
                        {
                            // A zero after five ones is an inserted one and dropped; any other zero is data.
                            count++;
                        }

                        ones = 0;
                    }
                }

                table[(onesIn << 8) | octet] = special != 0 ? special : bits | (count << 8) | (ones << 12);
            }
        }

        return table;
    }

    private void AddDataBits(int bits, int count)
    {
        _partial |= bits << _partialBits;
        _partialBits += count;
        while (_partialBits >= 8)
        {
            if (_length == _frame.Length)
            {
                // Longer than any legal frame: drop it and hunt for the next flag.
                MalformedFrames++;
                _synchronised = false;
                _length = 0;
                _partialBits = 0;
                _partial = 0;
                return;
            }

            _frame[_length++] = (byte)_partial;
            _partial >>= 8;
            _partialBits -= 8;
        }
    }

    private void AddDataBit(int bit)
    {
        if (_synchronised)
        {
            AddDataBits(bit, 1);
        }
    }

    private void OnFlag(HdlcFrameHandler onFrame)
    {
        Flags++;
        if (_synchronised)
        {
            // The flag's leading zero and five ones went in as data bits: an octet-aligned frame leaves exactly six.
            if (_partialBits == 6 && _length >= 3)
            {
                var ok = Crc16.Check(_frame.AsSpan(0, _length));
                if (ok)
                {
                    GoodFrames++;
                }
                else
                {
                    BadFcsFrames++;
                }

                onFrame(_frame.AsSpan(0, _length - 2), ok);
            }
            else if (_length > 0)
            {
                MalformedFrames++;
            }
        }

        _synchronised = true;
        _length = 0;
        _partial = 0;
        _partialBits = 0;
    }
}
