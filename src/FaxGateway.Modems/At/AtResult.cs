namespace FaxGateway.Modems.At;

/// <summary>Final (and CONNECT) result codes of V.250/T.31/T.32 modems.</summary>
public enum AtResultCode
{
    /// <summary>OK.</summary>
    Ok,

    /// <summary>CONNECT (possibly with a suffix such as a rate).</summary>
    Connect,

    /// <summary>NO CARRIER.</summary>
    NoCarrier,

    /// <summary>ERROR.</summary>
    Error,

    /// <summary>NO DIALTONE / NO DIAL TONE.</summary>
    NoDialtone,

    /// <summary>BUSY.</summary>
    Busy,

    /// <summary>NO ANSWER.</summary>
    NoAnswer,

    /// <summary>+FCERROR (numeric +F4): carrier mismatch in Class 1.</summary>
    FcError,

    /// <summary>+FRH:3: T.31 adaptive reception (+FAR=1) saw V.21 flags while +FRM was waiting.</summary>
    AdaptiveHdlc,

    /// <summary>DELAYED or BLACKLISTED: the modem refuses to dial the number now (country rules).</summary>
    DialBarred,
}

/// <summary>The lines of one command exchange: information lines and the final result.</summary>
public sealed record AtResponse(AtResultCode Result, IReadOnlyList<string> Lines, string ResultText)
{
    /// <summary>True for OK.</summary>
    public bool IsOk => Result == AtResultCode.Ok;

    /// <summary>The information lines joined with newlines (for identity queries).</summary>
    public string Text => string.Join('\n', Lines);
}

/// <summary>Maps result lines to codes from tables (verbose, numeric).</summary>
public static class AtResultTable
{
    private static readonly Dictionary<string, AtResultCode> Verbose = new(StringComparer.Ordinal)
    {
        ["OK"] = AtResultCode.Ok,
        ["CONNECT"] = AtResultCode.Connect,
        ["NO CARRIER"] = AtResultCode.NoCarrier,
        ["ERROR"] = AtResultCode.Error,
        ["NO DIALTONE"] = AtResultCode.NoDialtone,
        ["NO DIAL TONE"] = AtResultCode.NoDialtone,
        ["BUSY"] = AtResultCode.Busy,
        ["NO ANSWER"] = AtResultCode.NoAnswer,
        ["+FCERROR"] = AtResultCode.FcError,
        ["+F4"] = AtResultCode.FcError,
        ["+FRH:3"] = AtResultCode.AdaptiveHdlc,
        ["DELAYED"] = AtResultCode.DialBarred,
        ["BLACKLISTED"] = AtResultCode.DialBarred,
    };

    // V.250 numeric codes (ATV0); 2 is RING, which is unsolicited.
    private static readonly Dictionary<string, AtResultCode> Numeric = new(StringComparer.Ordinal)
    {
        ["0"] = AtResultCode.Ok,
        ["1"] = AtResultCode.Connect,
        ["3"] = AtResultCode.NoCarrier,
        ["4"] = AtResultCode.Error,
        ["6"] = AtResultCode.NoDialtone,
        ["7"] = AtResultCode.Busy,
        ["8"] = AtResultCode.NoAnswer,
        ["+F4"] = AtResultCode.FcError,
    };

    /// <summary>Classifies <paramref name="line"/> as a result code, or returns false for an information line.</summary>
    public static bool TryParse(string line, bool numeric, out AtResultCode code)
    {
        if (numeric && Numeric.TryGetValue(line, out code))
        {
            return true;
        }

        if (Verbose.TryGetValue(line, out code))
        {
            return true;
        }

        // CONNECT 14400, CONNECT 9600/V.29 ...: the suffix is informational.
        if (line.StartsWith("CONNECT ", StringComparison.Ordinal))
        {
            code = AtResultCode.Connect;
            return true;
        }

        // Some modems add a suffix to +FRH:3 (+FRH:3 followed by nothing else is the T.31 form).
        code = default;
        return false;
    }

    /// <summary>The verbose text of a code (for the simulator and logs).</summary>
    public static string ToText(AtResultCode code) => code switch
    {
        AtResultCode.Ok => "OK",
        AtResultCode.Connect => "CONNECT",
        AtResultCode.NoCarrier => "NO CARRIER",
        AtResultCode.Error => "ERROR",
        AtResultCode.NoDialtone => "NO DIALTONE",
        AtResultCode.Busy => "BUSY",
        AtResultCode.NoAnswer => "NO ANSWER",
        AtResultCode.FcError => "+FCERROR",
        AtResultCode.AdaptiveHdlc => "+FRH:3",
        AtResultCode.DialBarred => "DELAYED",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };

    /// <summary>The <see cref="ModemFailure"/> a result code stands for when it ends an operation badly.</summary>
    public static ModemFailure ToFailure(AtResultCode code) => code switch
    {
        AtResultCode.NoCarrier => ModemFailure.NoCarrier,
        AtResultCode.Busy => ModemFailure.Busy,
        AtResultCode.NoAnswer => ModemFailure.NoAnswer,
        AtResultCode.NoDialtone => ModemFailure.NoDialtone,
        AtResultCode.FcError => ModemFailure.CarrierMismatch,
        _ => ModemFailure.UnexpectedResult,
    };
}
