using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using FaxGateway.Modems.Class1;

namespace FaxGateway.Modems.Profiles;

/// <summary>Loads and validates modem profiles: from a folder (hardware/modems) or the copies built into the assembly.</summary>
public static class ModemProfileLoader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Parses and validates one profile; every problem is listed in the exception message.</summary>
    public static ModemProfile Parse(string json, string source)
    {
        ModemProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<ModemProfile>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new ModemException(ModemFailure.InvalidProfile, $"{source}: {ex.Message}", ex);
        }

        if (profile is null)
        {
            throw new ModemException(ModemFailure.InvalidProfile, $"{source}: empty profile");
        }

        var problems = Validate(profile);
        if (problems.Count > 0)
        {
            throw new ModemException(ModemFailure.InvalidProfile, $"{source}: invalid modem profile: " + string.Join("; ", problems));
        }

        return profile;
    }

    /// <summary>The profile as JSON in the file format (for `faxgw modem probe` suggestions).</summary>
    public static string ToJson(ModemProfile profile) =>
        JsonSerializer.Serialize(profile, new JsonSerializerOptions(Json) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });

    /// <summary>Loads one profile file.</summary>
    public static ModemProfile LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new ModemException(ModemFailure.InvalidProfile, $"{path}: {ex.Message}", ex);
        }

        var profile = Parse(text, path);
        var expected = Path.GetFileNameWithoutExtension(path);
        if (!string.Equals(profile.Name, expected, StringComparison.Ordinal))
        {
            throw new ModemException(ModemFailure.InvalidProfile, $"{path}: name \"{profile.Name}\" must equal the file name \"{expected}\"");
        }

        return profile;
    }

    /// <summary>Loads every *.json in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<ModemProfile> LoadDirectory(string directory) =>
        Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(LoadFile).ToArray();

    /// <summary>The profiles built into the assembly from hardware/modems at build time.</summary>
    public static IReadOnlyList<ModemProfile> LoadBuiltIn()
    {
        var assembly = typeof(ModemProfileLoader).Assembly;
        var result = new List<ModemProfile>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("profiles/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            result.Add(Parse(reader.ReadToEnd(), name));
        }

        return result;
    }

    /// <summary>Validates a profile; returns the problems found (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(ModemProfile profile)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(profile.Name) || !Regex.IsMatch(profile.Name, "^[a-z0-9][a-z0-9._-]*$"))
        {
            problems.Add($"name \"{profile.Name}\" must be lower-case letters, digits, '.', '_' or '-'");
        }

        CheckCommand(problems, "resetCommand", profile.ResetCommand, allowEmpty: true);
        CheckCommand(problems, "hangupCommand", profile.HangupCommand, allowEmpty: false);
        CheckCommand(problems, "answerCommand", profile.AnswerCommand, allowEmpty: false);
        CheckCommand(problems, "dialCommand", profile.DialCommand, allowEmpty: false);
        if (!profile.DialCommand.Contains("{number}", StringComparison.Ordinal))
        {
            problems.Add("dialCommand must contain {number}");
        }

        for (var i = 0; i < profile.InitCommands.Count; i++)
        {
            CheckCommand(problems, $"initCommands[{i}]", profile.InitCommands[i], allowEmpty: false);
        }

        if (profile.BaudRate is not (1200 or 2400 or 4800 or 9600 or 19200 or 38400 or 57600 or 115200 or 230400))
        {
            problems.Add($"baudRate {profile.BaudRate} is not a standard rate");
        }

        CheckRange(problems, "resetDelayMs", profile.ResetDelayMs, 0, 30000);
        CheckRange(problems, "dtrDropDelayMs", profile.DtrDropDelayMs, 0, 5000);
        CheckRange(problems, "commandTimeoutMs", profile.CommandTimeoutMs, 100, 60000);
        CheckRange(problems, "dialTimeoutMs", profile.DialTimeoutMs, 1000, 300000);
        CheckRange(problems, "answerTimeoutMs", profile.AnswerTimeoutMs, 1000, 300000);
        CheckRange(problems, "callerIdWaitMs", profile.CallerIdWaitMs, 0, 10000);
        if (profile.Match is { } match)
        {
            CheckRegex(problems, "match.manufacturer", match.Manufacturer);
            CheckRegex(problems, "match.model", match.Model);
            CheckRegex(problems, "match.ati", match.Ati);
            if (match.Manufacturer is null && match.Model is null && match.Ati is null)
            {
                problems.Add("match needs at least one of manufacturer, model, ati");
            }
        }

        var c1 = profile.Class1;
        CheckCommand(problems, "class1.classCommand", c1.ClassCommand, allowEmpty: false);
        CheckCommand(problems, "class1.switchingCommand", c1.SwitchingCommand, allowEmpty: true);
        CheckCommand(problems, "class1.tcfWaitCommand", c1.TcfWaitCommand, allowEmpty: true);
        CheckCommand(problems, "class1.ppmWaitCommand", c1.PpmWaitCommand, allowEmpty: true);
        CheckCommand(problems, "class1.eopWaitCommand", c1.EopWaitCommand, allowEmpty: true);
        CheckRange(problems, "class1.turnaroundMs", c1.TurnaroundMs, 0, 1000);
        CheckRange(problems, "class1.tmConnectDelayMs", c1.TmConnectDelayMs, 0, 2000);
        CheckRange(problems, "class1.recvAbortOkMs", c1.RecvAbortOkMs, 0, 5000);
        CheckRange(problems, "class1.rmPersistence", c1.RmPersistence, 0, 10);
        CheckRange(problems, "class1.frameTimeoutMs", c1.FrameTimeoutMs, 500, 60000);
        CheckRange(problems, "class1.carrierTimeoutMs", c1.CarrierTimeoutMs, 500, 60000);
        CheckRange(problems, "class1.dataTimeoutMs", c1.DataTimeoutMs, 500, 60000);
        foreach (var code in c1.Modulations)
        {
            if (!Enum.IsDefined((Class1Carrier)code))
            {
                problems.Add($"class1.modulations: {code} is not a T.31 modulation code (24,48,72,73,74,96,97,98,121,122,145,146)");
            }
        }

        var c2 = profile.Class2;
        CheckRange(problems, "class2.bitOrder", c2.BitOrder, 0, 3);
        CheckRange(problems, "class2.phaseCTimeoutS", c2.PhaseCTimeoutS, 1, 255);
        CheckRange(problems, "class2.pageDoneTimeoutMs", c2.PageDoneTimeoutMs, 1000, 600000);
        if (!Regex.IsMatch(c2.Capabilities, @"^[0-9A-Fa-f]+(,[0-9A-Fa-f]+){7,8}$"))
        {
            problems.Add($"class2.capabilities \"{c2.Capabilities}\" must be VR,BR,WD,LN,DF,EC,BF,ST[,JP]");
        }

        for (var i = 0; i < c2.InitCommands.Count; i++)
        {
            CheckCommand(problems, $"class2.initCommands[{i}]", c2.InitCommands[i], allowEmpty: false);
        }

        return problems;
    }

    private static void CheckCommand(List<string> problems, string field, string? value, bool allowEmpty)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (!allowEmpty)
            {
                problems.Add($"{field} must not be empty");
            }

            return;
        }

        if (!value.StartsWith("AT", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{field} \"{value}\" must start with AT");
        }

        if (value.Any(c => c < 0x20 || c > 0x7E))
        {
            problems.Add($"{field} contains control characters (the channel adds the CR)");
        }
    }

    private static void CheckRange(List<string> problems, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{field} {value} must be between {min} and {max}");
        }
    }

    private static void CheckRegex(List<string> problems, string field, string? pattern)
    {
        if (pattern is null)
        {
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            problems.Add($"{field} is not a valid regular expression: {ex.Message}");
        }
    }
}
