namespace FaxGateway.Modems.Framing;

/// <summary>
/// Resumable DLE unstuffer for the data stream coming from (or, in the simulator, going to) a modem.
/// The state is a plain struct kept across reads: a <c>&lt;DLE&gt;</c> at the end of one chunk is paired
/// with the first byte of the next, so splitting the input at any byte gives the same output.
/// <c>&lt;DLE&gt;&lt;DLE&gt;</c> yields one 0x10, <c>&lt;DLE&gt;&lt;SUB&gt;</c> two; any other <c>&lt;DLE&gt;x</c>
/// stops the call and is reported as a <see cref="DleEvent"/>.
/// </summary>
public struct DleDecoder
{
    private bool _pendingEscape;

    /// <summary>The byte after the DLE of the last <see cref="DleEvent.Command"/> (or marker) seen.</summary>
    public byte LastCommand { get; private set; }

    /// <summary>True when the last chunk ended in a lone DLE whose meaning needs the next byte.</summary>
    public readonly bool HasPendingEscape => _pendingEscape;

    /// <summary>Forgets a pending DLE (after an abort or a new command).</summary>
    public void Reset()
    {
        _pendingEscape = false;
        LastCommand = 0;
    }

    /// <summary>
    /// Unstuffs from <paramref name="source"/> into <paramref name="destination"/> until the input is used up,
    /// the destination is full, or an escape sequence other than a doubled DLE is met (returned; the
    /// sequence is consumed). A destination of at least two bytes is always enough to make progress.
    /// </summary>
    public DleEvent Decode(ReadOnlySpan<byte> source, Span<byte> destination, out int consumed, out int written)
    {
        consumed = 0;
        written = 0;
        while (consumed < source.Length)
        {
            if (_pendingEscape)
            {
                var b = source[consumed];
                switch (b)
                {
                    case Dle.Escape:
                        if (written >= destination.Length)
                        {
                            return DleEvent.None;
                        }

                        destination[written++] = Dle.Escape;
                        break;
                    case Dle.Sub:
                        if (written + 2 > destination.Length)
                        {
                            return DleEvent.None;
                        }

                        destination[written++] = Dle.Escape;
                        destination[written++] = Dle.Escape;
                        break;
                    default:
                        _pendingEscape = false;
                        consumed++;
                        LastCommand = b;
                        return b switch
                        {
                            Dle.Etx => DleEvent.EndOfData,
                            Dle.PageMps => DleEvent.PageMps,
                            Dle.PageEom => DleEvent.PageEom,
                            Dle.PageEop => DleEvent.PageEop,
                            _ => DleEvent.Command,
                        };
                }

                _pendingEscape = false;
                consumed++;
                continue;
            }

            // Bulk copy up to the next DLE.
            var rest = source[consumed..];
            var room = destination.Length - written;
            if (room == 0)
            {
                return DleEvent.None;
            }

            var limit = Math.Min(rest.Length, room);
            var run = rest[..limit].IndexOf(Dle.Escape);
            if (run < 0)
            {
                rest[..limit].CopyTo(destination[written..]);
                written += limit;
                consumed += limit;
                continue;
            }

            rest[..run].CopyTo(destination[written..]);
            written += run;
            consumed += run + 1;
            _pendingEscape = true;
        }

        return DleEvent.None;
    }
}
