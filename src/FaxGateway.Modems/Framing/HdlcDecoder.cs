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
        foreach (var octet in data)
        {
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

    private void AddDataBit(int bit)
    {
        if (!_synchronised)
        {
            return;
        }

        _partial |= bit << _partialBits;
        if (++_partialBits < 8)
        {
            return;
        }

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
        _partial = 0;
        _partialBits = 0;
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
