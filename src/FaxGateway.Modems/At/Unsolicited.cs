namespace FaxGateway.Modems.At;

/// <summary>What an unsolicited line was.</summary>
public enum UnsolicitedKind
{
    /// <summary>RING.</summary>
    Ring,

    /// <summary>NMBR=: calling number.</summary>
    CallerNumber,

    /// <summary>NAME=: calling name.</summary>
    CallerName,

    /// <summary>DATE=: MMDD.</summary>
    Date,

    /// <summary>TIME=: HHMM.</summary>
    Time,

    /// <summary>NDID=: the dialled (called) number, DID.</summary>
    CalledNumber,

    /// <summary>MESG=: an undecoded caller id message.</summary>
    Message,

    /// <summary>A line while no command was in flight that is none of the above (counted, logged).</summary>
    Other,
}

/// <summary>A line the modem sent on its own (ring, caller id).</summary>
public sealed record UnsolicitedLine(UnsolicitedKind Kind, string Line, string Value, DateTimeOffset ReceivedAt);

/// <summary>The caller id fields gathered between rings.</summary>
public sealed record CallerId(string? Number, string? Name, string? Date, string? Time, string? CalledNumber)
{
    /// <summary>No caller id at all.</summary>
    public static CallerId None { get; } = new(null, null, null, null, null);

    /// <summary>Returns a copy with the field of <paramref name="line"/> set.</summary>
    public CallerId With(UnsolicitedLine line) => line.Kind switch
    {
        UnsolicitedKind.CallerNumber => this with { Number = line.Value },
        UnsolicitedKind.CallerName => this with { Name = line.Value },
        UnsolicitedKind.Date => this with { Date = line.Value },
        UnsolicitedKind.Time => this with { Time = line.Value },
        UnsolicitedKind.CalledNumber => this with { CalledNumber = line.Value },
        _ => this,
    };
}

/// <summary>Recognises unsolicited lines.</summary>
public static class UnsolicitedParser
{
    private static readonly (string Prefix, UnsolicitedKind Kind)[] Prefixes =
    [
        ("NMBR", UnsolicitedKind.CallerNumber),
        ("NAME", UnsolicitedKind.CallerName),
        ("DATE", UnsolicitedKind.Date),
        ("TIME", UnsolicitedKind.Time),
        ("NDID", UnsolicitedKind.CalledNumber),
        ("DDI", UnsolicitedKind.CalledNumber),
        ("MESG", UnsolicitedKind.Message),
    ];

    /// <summary>Parses RING / caller id lines ("NMBR = 5551234" and "NMBR=5551234" both occur).</summary>
    public static bool TryParse(string line, bool numeric, DateTimeOffset now, out UnsolicitedLine result)
    {
        if (line == "RING" || (numeric && line == "2") || line.StartsWith("RING ", StringComparison.Ordinal))
        {
            result = new UnsolicitedLine(UnsolicitedKind.Ring, line, line.Length > 5 ? line[5..].Trim() : string.Empty, now);
            return true;
        }

        foreach (var (prefix, kind) in Prefixes)
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line.AsSpan(prefix.Length).TrimStart(' ');
            if (rest.Length > 0 && rest[0] == '=')
            {
                result = new UnsolicitedLine(kind, line, rest[1..].Trim().ToString(), now);
                return true;
            }
        }

        result = null!;
        return false;
    }
}
