using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Tests.Scripting;

namespace FaxGateway.Modems.Tests.Profiles;

public sealed class ProfileTests
{
    private static string ProfileDirectory => Path.Combine(Path.GetDirectoryName(Transcript.Directory)!, "modems");

    [Fact]
    public void Every_shipped_profile_loads_and_validates()
    {
        var profiles = ModemProfileLoader.LoadDirectory(ProfileDirectory);
        Assert.Contains(profiles, p => p.Name == "generic-class1");
        Assert.Contains(profiles, p => p.Name == "generic-class2.0");
        Assert.Contains(profiles, p => p.Name == "iaxmodem");
        Assert.Contains(profiles, p => p.Name == "usrobotics-5637");
        Assert.Contains(profiles, p => p.Name == "zoom-3095");
        Assert.Contains(profiles, p => p.Name == "multitech-mt5634zba");
        Assert.All(profiles, p => Assert.Empty(ModemProfileLoader.Validate(p)));
        Assert.Equal(profiles.Select(p => p.Name), ModemProfileLoader.LoadBuiltIn().Select(p => p.Name));
    }

    [Fact]
    public void The_iaxmodem_profile_carries_its_known_quirks()
    {
        var iax = ModemProfileLoader.LoadFile(Path.Combine(ProfileDirectory, "iaxmodem.json"));
        Assert.Equal(400, iax.Class1.TmConnectDelayMs);
        Assert.Equal(FaxClass.Class10, iax.PreferredClass);
        Assert.Equal("AT+FCLASS=1.0", iax.Class1.ClassCommand);
        Assert.Equal(Transport.FlowControl.None, iax.FlowControl);
    }

    [Theory]
    [InlineData("""{ "name": "x", "dialCommmand": "ATD{number}" }""", "dialCommmand")]
    [InlineData("""{ "name": "x", "dialCommand": "ATDT" }""", "dialCommand must contain {number}")]
    [InlineData("""{ "name": "x", "initCommands": [ "E0V1" ] }""", "initCommands[0] \"E0V1\" must start with AT")]
    [InlineData("""{ "name": "X Y" }""", "name \"X Y\"")]
    [InlineData("""{ "name": "x", "baudRate": 12345 }""", "baudRate 12345")]
    [InlineData("""{ "name": "x", "class1": { "modulations": [ 96, 99 ] } }""", "99 is not a T.31 modulation code")]
    [InlineData("""{ "name": "x", "class1": { "tmConnectDelayMs": -1 } }""", "class1.tmConnectDelayMs -1")]
    [InlineData("""{ "name": "x", "class2": { "bitOrder": 4 } }""", "class2.bitOrder 4")]
    [InlineData("""{ "name": "x", "class2": { "capabilities": "1,5" } }""", "class2.capabilities")]
    [InlineData("""{ "name": "x", "class2": { "receiveTrigger": "dc3" } }""", "receiveTrigger")]
    [InlineData("""{ "name": "x", "match": { "ati": "(" } }""", "match.ati is not a valid regular expression")]
    [InlineData("""{ "name": "x", "match": { } }""", "match needs at least one")]
    [InlineData("""not json""", "profile.json")]
    public void Invalid_profiles_are_rejected_with_the_field_named(string json, string expected)
    {
        var ex = Assert.Throws<ModemException>(() => ModemProfileLoader.Parse(json, "profile.json"));
        Assert.Equal(ModemFailure.InvalidProfile, ex.Failure);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_file_must_be_named_after_the_profile()
    {
        var dir = Directory.CreateTempSubdirectory("fgw-profiles");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "other.json"), """{ "name": "mine" }""");
            var ex = Assert.Throws<ModemException>(() => ModemProfileLoader.LoadDirectory(dir.FullName));
            Assert.Contains("must equal the file name", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_folder_profile_overrides_the_built_in_one()
    {
        var dir = Directory.CreateTempSubdirectory("fgw-profiles");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "iaxmodem.json"), """{ "name": "iaxmodem", "class1": { "tmConnectDelayMs": 250 } }""");
            var catalog = FaxGateway.Modems.Probing.ModemProfileCatalog.Load(dir.FullName);
            Assert.Equal(250, catalog.Get("iaxmodem").Class1.TmConnectDelayMs);
            Assert.Contains("known:", Assert.Throws<ModemException>(() => catalog.Get("nope")).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
