using System.Globalization;

namespace FaxGateway.Modems.Class2;

/// <summary>T.30 session parameters as Class 2/2.0 report them: VR,BR,WD,LN,DF,EC,BF,ST[,JP] (util/class2.h).</summary>
public sealed record Class2SessionParameters(int Vr, int Br, int Wd, int Ln, int Df, int Ec, int Bf, int St, int? Jp)
{
    /// <summary>Bit rate from BR (0 = 2400 ... 5 = 14400 ... 13 = 33600).</summary>
    public int BitRate => (Br + 1) * 2400;

    /// <summary>Page width in pixels from WD (0 = 1728, 1 = 2048, 2 = 2432, 3 = 1216, 4 = 864).</summary>
    public int Width => Wd switch { 0 => 1728, 1 => 2048, 2 => 2432, 3 => 1216, 4 => 864, _ => 1728 };

    /// <summary>True when ECM is used (EC 1 = 64-octet frames, 2 = 256).</summary>
    public bool Ecm => Ec != 0;

    /// <summary>The values in +FCC/+FDCC order.</summary>
    public override string ToString() =>
        string.Join(',', new[] { Vr, Br, Wd, Ln, Df, Ec, Bf, St }.Select(v => v.ToString(CultureInfo.InvariantCulture))) + (Jp is { } jp ? "," + jp.ToString(CultureInfo.InvariantCulture) : string.Empty);

    /// <summary>Parses "1,5,0,2,0,0,0,0" (Class 2: decimal; Class 2.0: hexadecimal digits, VR may be a bitmask such as 7F).</summary>
    public static bool TryParse(string text, Class2Dialect dialect, out Class2SessionParameters parameters)
    {
        parameters = null!;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length < 8)
        {
            return false;
        }

        var style = dialect == Class2Dialect.Class20 ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        var values = new int[Math.Min(parts.Length, 9)];
        for (var i = 0; i < values.Length; i++)
        {
            if (!int.TryParse(parts[i], style, CultureInfo.InvariantCulture, out values[i]))
            {
                return false;
            }
        }

        parameters = new Class2SessionParameters(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values.Length > 8 ? values[8] : null);
        return true;
    }
}

/// <summary>Post-page message codes of +FET and the Class 2 AT+FET=n command.</summary>
public enum Class2PostPageMessage
{
    /// <summary>MPS: another page follows.</summary>
    Mps = 0,

    /// <summary>EOM: end of document, another follows after phase B.</summary>
    Eom = 1,

    /// <summary>EOP: end of procedure.</summary>
    Eop = 2,

    /// <summary>PRI-MPS.</summary>
    PriMps = 4,

    /// <summary>PRI-EOM.</summary>
    PriEom = 5,

    /// <summary>PRI-EOP.</summary>
    PriEop = 6,
}

/// <summary>Post-page response codes of +FPS/+FPTS (what the receiver said about a page).</summary>
public enum Class2PageResponse
{
    /// <summary>MCF: page good.</summary>
    Mcf = 1,

    /// <summary>RTN: page bad, retrain.</summary>
    Rtn = 2,

    /// <summary>RTP: page good, retrain.</summary>
    Rtp = 3,

    /// <summary>PIN: procedure interrupt, negative.</summary>
    Pin = 4,

    /// <summary>PIP: procedure interrupt, positive.</summary>
    Pip = 5,
}

/// <summary>Which identity a remote id report carries.</summary>
public enum Class2IdKind
{
    /// <summary>Called subscriber id (+FCI / +FCSI).</summary>
    Csi,

    /// <summary>Transmitting subscriber id (+FTI / +FTSI).</summary>
    Tsi,

    /// <summary>Polling id (+FPI / +FCIG).</summary>
    Cig,
}

/// <summary>Which session parameter report this is.</summary>
public enum Class2SessionKind
{
    /// <summary>The remote's capabilities (DIS: +FIS / +FDIS).</summary>
    RemoteCapabilities,

    /// <summary>The negotiated session (DCS: +FCS / +FDCS).</summary>
    Negotiated,

    /// <summary>The remote's polling capabilities (DTC: +FTC / +FDTC).</summary>
    PollingCapabilities,
}

/// <summary>A report line from a Class 2/2.0 modem.</summary>
public abstract record Class2Report(string Line);

/// <summary>+FCO / +FCON: fax connection established.</summary>
public sealed record Class2ConnectReport(string Line) : Class2Report(Line);

/// <summary>+FCI/+FTI/+FPI (2.0), +FCSI/+FTSI/+FCIG (2): the remote's id.</summary>
public sealed record Class2RemoteIdReport(Class2IdKind Kind, string Id, string Line) : Class2Report(Line);

/// <summary>+FIS/+FCS/+FTC (2.0), +FDIS/+FDCS/+FDTC (2).</summary>
public sealed record Class2SessionReport(Class2SessionKind Kind, Class2SessionParameters Parameters, string Line) : Class2Report(Line);

/// <summary>+FPS (2.0) / +FPTS (2): post-page status, with line counts on receive.</summary>
public sealed record Class2PageStatusReport(Class2PageResponse Response, int? LineCount, int? BadLines, int? ConsecutiveBadLines, int? LostBytes, string Line) : Class2Report(Line);

/// <summary>+FET: the post-page message the sender used.</summary>
public sealed record Class2PostPageReport(Class2PostPageMessage Message, string Line) : Class2Report(Line);

/// <summary>+FHS (2.0) / +FHNG (2): the session ended.</summary>
public sealed record Class2HangupReport(Class2HangupStatus Status, string Line) : Class2Report(Line);

/// <summary>+FNF/+FNS/+FNC (2.0), +FNSF/+FNSS/+FNSC (2): non-standard frames, as the modem printed them.</summary>
public sealed record Class2NonStandardReport(string Name, string Data, string Line) : Class2Report(Line);

/// <summary>+FHT/+FHR: HDLC frames (debug reporting, +FBU/+FBUG).</summary>
public sealed record Class2HdlcReport(bool Received, string Hex, string Line) : Class2Report(Line);

/// <summary>Any other +F report (+FPO poll request, +FCFR, +FVO, vendor lines).</summary>
public sealed record Class2OtherReport(string Name, string Value, string Line) : Class2Report(Line);

/// <summary>Parses report lines of both dialects into typed records.</summary>
public static class Class2ReportParser
{
    /// <summary>Parses a line starting with "+F"; other lines return false. Malformed values throw <see cref="ModemException"/> (garbage).</summary>
    public static bool TryParse(string line, Class2Dialect dialect, out Class2Report report)
    {
        report = null!;
        if (!line.StartsWith("+F", StringComparison.Ordinal))
        {
            return false;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var name = (colon < 0 ? line : line[..colon]).Trim();
        var value = colon < 0 ? string.Empty : line[(colon + 1)..].Trim();
        report = name switch
        {
            "+FCO" or "+FCON" => new Class2ConnectReport(line),
            "+FCI" or "+FCSI" => new Class2RemoteIdReport(Class2IdKind.Csi, Unquote(value), line),
            "+FTI" or "+FTSI" => new Class2RemoteIdReport(Class2IdKind.Tsi, Unquote(value), line),
            "+FPI" or "+FCIG" => new Class2RemoteIdReport(Class2IdKind.Cig, Unquote(value), line),
            "+FIS" or "+FDIS" => Session(Class2SessionKind.RemoteCapabilities, value, dialect, line),
            "+FCS" or "+FDCS" => Session(Class2SessionKind.Negotiated, value, dialect, line),
            "+FTC" or "+FDTC" => Session(Class2SessionKind.PollingCapabilities, value, dialect, line),
            "+FPS" or "+FPTS" => PageStatus(value, dialect, line),
            "+FET" => new Class2PostPageReport((Class2PostPageMessage)Number(value, line, dialect), line),
            "+FHS" => new Class2HangupReport(Class2HangupCodes.Parse(value, Class2Dialect.Class20), line),
            "+FHNG" => new Class2HangupReport(Class2HangupCodes.Parse(value, Class2Dialect.Class2), line),
            "+FNF" or "+FNS" or "+FNC" or "+FNSF" or "+FNSS" or "+FNSC" => new Class2NonStandardReport(name, value, line),
            "+FHT" => new Class2HdlcReport(false, value, line),
            "+FHR" => new Class2HdlcReport(true, value, line),
            _ => new Class2OtherReport(name, value, line),
        };
        return true;
    }

    private static string Unquote(string value) => value.Trim().Trim('"').Trim();

    private static Class2SessionReport Session(Class2SessionKind kind, string value, Class2Dialect dialect, string line) =>
        Class2SessionParameters.TryParse(value, dialect, out var parameters)
            ? new Class2SessionReport(kind, parameters, line)
            : throw new ModemException(ModemFailure.Garbage, $"malformed session parameters in \"{line}\"");

    private static Class2PageStatusReport PageStatus(string value, Class2Dialect dialect, string line)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var response = Number(parts[0], line, dialect);
        if (response is < 1 or > 5)
        {
            throw new ModemException(ModemFailure.Garbage, $"unknown page status {response} in \"{line}\"");
        }

        int? Part(int i) => parts.Length > i && int.TryParse(parts[i], dialect == Class2Dialect.Class20 ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new Class2PageStatusReport((Class2PageResponse)response, Part(1), Part(2), Part(3), Part(4), line);
    }

    private static int Number(string value, string line, Class2Dialect dialect)
    {
        var style = dialect == Class2Dialect.Class20 ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        return int.TryParse(value.Trim(), style, CultureInfo.InvariantCulture, out var n) && n is >= 0 and < 256
            ? n
            : throw new ModemException(ModemFailure.Garbage, $"malformed number in \"{line}\"");
    }
}
