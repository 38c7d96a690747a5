using System.Globalization;
using FaxGateway.Protocol.Capabilities;

namespace FaxGateway.Simulator.Modem.Class2;

/// <summary>
/// What the DTE has set in a Class 2 / 2.0 modem: local id, capabilities (+FCC/+FDCC), session parameters
/// (+FIS/+FDIS), bit order (+FBO/+FBOR), receive enable, reporting. Values are VR,BR,WD,LN,DF,EC,BF,ST
/// (SP-2388-A decimal; T.32 hexadecimal, VR a bitmask: 01 fine, 02 superfine).
/// </summary>
internal sealed class Class2Settings
{
    private const int Fields = 8;

    public Class2Settings(bool is20) => Is20 = is20;

    /// <summary>T.32 (Class 2.0) rather than SP-2388-A (Class 2).</summary>
    public bool Is20 { get; }

    public string LocalId { get; set; } = string.Empty;

    public string PollingId { get; set; } = string.Empty;

    /// <summary>+FCC / +FDCC: what the modem may negotiate. Default: fine, 14400, A4 width, unlimited length, MR, no ECM.</summary>
    public int[] Capabilities { get; } = [1, 5, 0, 2, 1, 0, 0, 0];

    /// <summary>+FIS / +FDIS: the session parameters the DTE wants for the next page.</summary>
    public int[] Session { get; } = [1, 5, 0, 2, 1, 0, 0, 0];

    public int BitOrder { get; set; }

    public int ReceiveEnabled { get; set; } = 1;

    public int PhaseCTimeout { get; set; } = 30;

    public int MinimumSpeed { get; set; }

    public int FlowControl { get; set; } = 1;

    public int[] Reporting { get; } = [0, 0, 0, 0];

    /// <summary>+FBU / +FBUG (HDLC frame reports): accepted, no frames reported.</summary>
    public int Debug { get; set; }

    public int Polling { get; set; }

    /// <summary>+FCQ copy-quality checking settings: accepted.</summary>
    public int[] CopyQuality { get; } = [0, 0];

    public string Range => Is20 ? "(00-7F),(00-0D),(00-02),(00-02),(00-03),(00-02),(00),(00-07)" : "(0,1),(0-5),(0-2),(0-2),(0-3),(0-2),(0),(0-7)";

    public string CapabilitiesText => Text(Capabilities);

    public string SessionText => Text(Session);

    /// <summary>Parses "VR,BR,..." into <paramref name="target"/> (missing fields keep their value).</summary>
    public bool TrySet(int[] target, string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Length > Fields + 1)
        {
            return false;
        }

        var parsed = new int[Math.Min(parts.Length, Fields)];
        var style = Is20 ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        for (var i = 0; i < parsed.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                parsed[i] = target[i];
                continue;
            }

            if (!int.TryParse(parts[i], style, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] > 0x7F)
            {
                return false;
            }
        }

        parsed.CopyTo(target, 0);
        return true;
    }

    /// <summary>The DIS/DTC this modem offers, from +FCC (the virtual modems negotiate without ECM: no MMR).</summary>
    public FaxCapabilities LocalCapabilities()
    {
        var vr = Capabilities[0];
        var br = Capabilities[1];
        var df = Capabilities[4];
        return new FaxCapabilities
        {
            Modems = br >= 5 ? ModemSupport.V27ter | ModemSupport.V29 | ModemSupport.V17
                : br >= 3 ? ModemSupport.V27ter | ModemSupport.V29
                : ModemSupport.V27ter,
            Resolutions = FaxResolution.Standard | ((vr & 1) != 0 ? FaxResolution.Fine : 0) | (Is20 && (vr & 2) != 0 ? FaxResolution.Superfine : 0),
            Compressions = FaxCompression.MH | (df >= 1 ? FaxCompression.MR : 0),
            MaxWidth = PageWidth.W1728,
            MaxLength = PageLength.Unlimited,
            Ecm = false,
        };
    }

    /// <summary>The format of the pages to send, from +FIS (VR).</summary>
    public FaxPageFormat PageFormat()
    {
        var vr = Session[0];
        var resolution = Is20 && (vr & 2) != 0 ? FaxResolution.Superfine : (vr & 1) != 0 ? FaxResolution.Fine : FaxResolution.Standard;
        return new FaxPageFormat(resolution);
    }

    /// <summary>+FIS / +FDIS report of a remote DIS.</summary>
    public static string Format(FaxCapabilities dis, bool is20)
    {
        var vr = ((dis.Resolutions & FaxResolution.Fine) != 0 ? 1 : 0) | (is20 && (dis.Resolutions & FaxResolution.Superfine) != 0 ? 2 : 0);
        var br = (dis.Modems & ModemSupport.V17) != 0 ? 5 : (dis.Modems & ModemSupport.V29) != 0 ? 3 : 1;
        var df = (dis.Compressions & FaxCompression.MMR) != 0 && dis.Ecm ? 3 : (dis.Compressions & FaxCompression.MR) != 0 ? 1 : 0;
        return Join(is20, vr, br, (int)dis.MaxWidth, (int)dis.MaxLength, df, dis.Ecm ? 2 : 0, 0, ScanTimeCode(dis.MinScanTimeMs));
    }

    /// <summary>+FCS / +FDCS report of a negotiated DCS.</summary>
    public static string Format(DcsParameters dcs, bool is20)
    {
        var vr = dcs.Resolution switch
        {
            FaxResolution.Standard => 0,
            FaxResolution.Superfine when is20 => 2,
            _ => 1,
        };
        var br = Math.Max(0, dcs.Rate.BitsPerSecond / 2400 - 1);
        var df = dcs.Compression switch { FaxCompression.MR => 1, FaxCompression.MMR => 3, _ => 0 };
        return Join(is20, vr, br, (int)dcs.Width, (int)dcs.Length, df, dcs.Ecm ? (dcs.EcmFrameSize == 64 ? 1 : 2) : 0, 0, ScanTimeCode(dcs.MinScanTimeMs));
    }

    private static int ScanTimeCode(int ms) => ms switch
    {
        0 => 0,
        <= 5 => 1,
        <= 10 => 3,
        <= 20 => 5,
        _ => 7,
    };

    private string Text(int[] values) => Join(Is20, values);

    private static string Join(bool is20, params int[] values) =>
        string.Join(',', values.Select(v => v.ToString(is20 ? "X" : "D", CultureInfo.InvariantCulture)));
}
