using System.Text.RegularExpressions;
using FaxGateway.Modems.At;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Profiles;

namespace FaxGateway.Modems.Probing;

/// <summary>What a modem says about itself.</summary>
public sealed record ModemIdentity
{
    /// <summary>ATI text.</summary>
    public string? Ati { get; init; }

    /// <summary>ATI3 text.</summary>
    public string? Ati3 { get; init; }

    /// <summary>+FMI? (T.31/T.32) or +FMFR? (Class 2).</summary>
    public string? Manufacturer { get; init; }

    /// <summary>+FMM? or +FMDL?.</summary>
    public string? Model { get; init; }

    /// <summary>+FMR? or +FREV?.</summary>
    public string? Revision { get; init; }

    /// <summary>The fax classes from +FCLASS=?.</summary>
    public IReadOnlyList<FaxClass> Classes { get; init; } = [];

    /// <summary>The raw +FCLASS=? answer.</summary>
    public string? ClassAnswer { get; init; }

    /// <summary>+FTM=? carriers (Class 1).</summary>
    public IReadOnlyList<Class1Carrier> TransmitCarriers { get; init; } = [];

    /// <summary>+FRM=? carriers (Class 1).</summary>
    public IReadOnlyList<Class1Carrier> ReceiveCarriers { get; init; } = [];

    /// <summary>+FCC=? (Class 2.0) capability ranges as reported.</summary>
    public string? Class20Capabilities { get; init; }

    /// <summary>+FDCC=? (Class 2) capability ranges as reported.</summary>
    public string? Class2Capabilities { get; init; }

    /// <summary>The best class for the gateway: Class 1.0/1 (our T.30, ECM), else 2.0, else 2; null when no fax class.</summary>
    public FaxClass? BestClass =>
        Classes.Contains(FaxClass.Class10) ? FaxClass.Class10
        : Classes.Contains(FaxClass.Class1) ? FaxClass.Class1
        : Classes.Contains(FaxClass.Class20) ? FaxClass.Class20
        : Classes.Contains(FaxClass.Class2) ? FaxClass.Class2
        : null;
}

/// <summary>
/// Identifies a modem the way efax and HylaFAX's faxaddmodem do: ATI, ATI3, +FMI/+FMM/+FMR (or the Class 2
/// +FMFR/+FMDL/+FREV), +FCLASS=?, +FTM=?/+FRM=? in Class 1, +FCC=?/+FDCC=? in Class 2.0/2. Queries a modem does
/// not know (ERROR) are left empty; the modem is returned to +FCLASS=0.
/// </summary>
public static class ModemProber
{
    /// <summary>Probes the modem on <paramref name="channel"/>.</summary>
    public static async Task<ModemIdentity> ProbeAsync(AtChannel channel, TimeSpan commandTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);

        // Quiet, verbose results, no echo; some modems refuse part of it, which is fine.
        await QueryAsync(channel, "ATQ0V1E0", commandTimeout, cancellationToken).ConfigureAwait(false);
        var identity = new ModemIdentity
        {
            Ati = await QueryAsync(channel, "ATI", commandTimeout, cancellationToken).ConfigureAwait(false),
            Ati3 = await QueryAsync(channel, "ATI3", commandTimeout, cancellationToken).ConfigureAwait(false),
        };
        var classAnswer = await QueryAsync(channel, "AT+FCLASS=?", commandTimeout, cancellationToken).ConfigureAwait(false);
        var classes = ParseClasses(classAnswer ?? string.Empty);
        identity = identity with { ClassAnswer = classAnswer, Classes = classes };

        // T.31 modems answer +FMI? in any class; Class 2 modems only know +FMFR? in Class 2.
        identity = identity with
        {
            Manufacturer = await QueryAsync(channel, "AT+FMI?", commandTimeout, cancellationToken).ConfigureAwait(false),
            Model = await QueryAsync(channel, "AT+FMM?", commandTimeout, cancellationToken).ConfigureAwait(false),
            Revision = await QueryAsync(channel, "AT+FMR?", commandTimeout, cancellationToken).ConfigureAwait(false),
        };

        if (classes.Contains(FaxClass.Class1) || classes.Contains(FaxClass.Class10))
        {
            if (await OkAsync(channel, "AT+FCLASS=1", commandTimeout, cancellationToken).ConfigureAwait(false))
            {
                identity = identity with
                {
                    TransmitCarriers = Class1Carriers.ParseList(await QueryAsync(channel, "AT+FTM=?", commandTimeout, cancellationToken).ConfigureAwait(false) ?? string.Empty),
                    ReceiveCarriers = Class1Carriers.ParseList(await QueryAsync(channel, "AT+FRM=?", commandTimeout, cancellationToken).ConfigureAwait(false) ?? string.Empty),
                };
            }
        }

        if (classes.Contains(FaxClass.Class20) && await OkAsync(channel, "AT+FCLASS=2.0", commandTimeout, cancellationToken).ConfigureAwait(false))
        {
            identity = identity with
            {
                Class20Capabilities = await QueryAsync(channel, "AT+FCC=?", commandTimeout, cancellationToken).ConfigureAwait(false),
                Manufacturer = identity.Manufacturer ?? await QueryAsync(channel, "AT+FMI?", commandTimeout, cancellationToken).ConfigureAwait(false),
                Model = identity.Model ?? await QueryAsync(channel, "AT+FMM?", commandTimeout, cancellationToken).ConfigureAwait(false),
                Revision = identity.Revision ?? await QueryAsync(channel, "AT+FMR?", commandTimeout, cancellationToken).ConfigureAwait(false),
            };
        }

        if (classes.Contains(FaxClass.Class2) && await OkAsync(channel, "AT+FCLASS=2", commandTimeout, cancellationToken).ConfigureAwait(false))
        {
            identity = identity with
            {
                Class2Capabilities = await QueryAsync(channel, "AT+FDCC=?", commandTimeout, cancellationToken).ConfigureAwait(false),
                Manufacturer = identity.Manufacturer ?? await QueryAsync(channel, "AT+FMFR?", commandTimeout, cancellationToken).ConfigureAwait(false),
                Model = identity.Model ?? await QueryAsync(channel, "AT+FMDL?", commandTimeout, cancellationToken).ConfigureAwait(false),
                Revision = identity.Revision ?? await QueryAsync(channel, "AT+FREV?", commandTimeout, cancellationToken).ConfigureAwait(false),
            };
        }

        await QueryAsync(channel, "AT+FCLASS=0", commandTimeout, cancellationToken).ConfigureAwait(false);
        return identity;
    }

    /// <summary>Parses +FCLASS=? ("0,1,1.0", "0,1,2,2.0", "(0-2)", "0,1,8").</summary>
    public static IReadOnlyList<FaxClass> ParseClasses(string answer)
    {
        var result = new List<FaxClass>();
        foreach (var raw in answer.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Trim('(', ')', '"');
            var dash = token.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(token[..dash], out var lo) && int.TryParse(token[(dash + 1)..], out var hi))
            {
                if (lo <= 1 && hi >= 1)
                {
                    result.Add(FaxClass.Class1);
                }

                if (lo <= 2 && hi >= 2)
                {
                    result.Add(FaxClass.Class2);
                }

                continue;
            }

            switch (token)
            {
                case "1":
                    result.Add(FaxClass.Class1);
                    break;
                case "1.0":
                    result.Add(FaxClass.Class10);
                    break;
                case "2":
                    result.Add(FaxClass.Class2);
                    break;
                case "2.0":
                    result.Add(FaxClass.Class20);
                    break;
                default:
                    break;
            }
        }

        return result.Distinct().ToArray();
    }

    private static async Task<bool> OkAsync(AtChannel channel, string command, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await channel.ExecuteAsync(command, timeout, cancellationToken).ConfigureAwait(false)).IsOk;

    private static async Task<string?> QueryAsync(AtChannel channel, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var response = await channel.ExecuteAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk)
        {
            return null;
        }

        // "+FMI: www.soft-switch.org" and plain "www.soft-switch.org" both occur; quotes are decoration.
        var text = string.Join(' ', response.Lines.Select(l => Regex.Replace(l, @"^\+F[A-Z]+:\s*", string.Empty).Trim().Trim('"')));
        return text.Length == 0 ? string.Empty : text;
    }
}

/// <summary>The profiles known to the gateway, and matching of probed modems against them.</summary>
public sealed class ModemProfileCatalog
{
    private readonly IReadOnlyList<ModemProfile> _profiles;

    /// <summary>A catalog of <paramref name="profiles"/>.</summary>
    public ModemProfileCatalog(IReadOnlyList<ModemProfile> profiles) => _profiles = profiles;

    /// <summary>All profiles.</summary>
    public IReadOnlyList<ModemProfile> Profiles => _profiles;

    /// <summary>The built-in profiles, overridden by same-named files in <paramref name="directory"/> when given.</summary>
    public static ModemProfileCatalog Load(string? directory)
    {
        var byName = ModemProfileLoader.LoadBuiltIn().ToDictionary(p => p.Name, StringComparer.Ordinal);
        if (directory is not null && Directory.Exists(directory))
        {
            foreach (var profile in ModemProfileLoader.LoadDirectory(directory))
            {
                byName[profile.Name] = profile;
            }
        }

        return new ModemProfileCatalog(byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray());
    }

    /// <summary>The profile named <paramref name="name"/>, or an <see cref="ModemFailure.InvalidProfile"/> error listing the names.</summary>
    public ModemProfile Get(string name) =>
        _profiles.FirstOrDefault(p => p.Name == name)
        ?? throw new ModemException(ModemFailure.InvalidProfile, $"no modem profile \"{name}\"; known: {string.Join(", ", _profiles.Select(p => p.Name))}");

    /// <summary>The first profile whose match patterns all fit the identity, or null.</summary>
    public ModemProfile? Match(ModemIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var ati = string.Join('\n', identity.Ati, identity.Ati3);
        foreach (var profile in _profiles)
        {
            if (profile.Match is not { } match)
            {
                continue;
            }

            if (Fits(match.Manufacturer, identity.Manufacturer) && Fits(match.Model, identity.Model) && Fits(match.Ati, ati))
            {
                return profile;
            }
        }

        return null;
    }

    /// <summary>A profile for an unknown modem: the generic profile of its best class with the probed carriers.</summary>
    public ModemProfile Suggest(ModemIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.BestClass switch
        {
            FaxClass.Class10 or FaxClass.Class1 => Get("generic-class1") with
            {
                Name = "suggested",
                PreferredClass = identity.BestClass.Value,
                Class1 = Get("generic-class1").Class1 with
                {
                    ClassCommand = identity.BestClass == FaxClass.Class10 ? "AT+FCLASS=1.0" : "AT+FCLASS=1",
                    Modulations = identity.TransmitCarriers.Select(c => (int)c).ToArray(),
                },
            },
            FaxClass.Class20 => Get("generic-class2.0") with { Name = "suggested" },
            FaxClass.Class2 => Get("generic-class2") with { Name = "suggested" },
            _ => throw new ModemException(ModemFailure.UnexpectedResult, $"the modem reports no fax class (+FCLASS=? answered \"{identity.ClassAnswer}\")"),
        };
    }

    private static bool Fits(string? pattern, string? value) =>
        pattern is null || (value is not null && Regex.IsMatch(value, pattern, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)));
}
