using FaxGateway.Modems.At;
using FaxGateway.Modems.Class1;
using FaxGateway.Modems.Probing;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Tests.Scripting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.Probing;

public sealed class ProbingTests
{
    [Fact]
    public async Task The_captured_iaxmodem_probe_replays_to_its_identity_and_profile()
    {
        var script = Transcript.Load("iaxmodem-probe.txt").ToScript();
        await using var channel = new AtChannel(script.Start(), "iaxmodem-transcript", null, new FakeTimeProvider());
        var identity = await ModemProber.ProbeAsync(channel, TimeSpan.FromSeconds(3), TestProfiles.Generous);
        Assert.Equal("spandsp", identity.Ati);
        Assert.Equal("www.soft-switch.org", identity.Ati3);
        Assert.Equal("www.soft-switch.org", identity.Manufacturer);
        Assert.Equal("spandsp", identity.Model);
        Assert.Equal("0.0.5", identity.Revision);
        Assert.Equal([FaxClass.Class1, FaxClass.Class10], identity.Classes);
        Assert.Equal(Class1Carriers.All, identity.TransmitCarriers);
        Assert.Equal(Class1Carriers.All, identity.ReceiveCarriers);
        Assert.Equal(FaxClass.Class10, identity.BestClass);
        await script.Completed;
        var catalog = ModemProfileCatalog.Load(null);
        Assert.Equal("iaxmodem", catalog.Match(identity)?.Name);
    }

    [Fact]
    public async Task The_captured_iaxmodem_class1_setup_replays_with_echo_on_and_off()
    {
        var transcript = Transcript.Load("iaxmodem-class1-setup.txt");
        var script = transcript.ToScript();
        await using var channel = new AtChannel(script.Start(), "iaxmodem-transcript", null, new FakeTimeProvider());
        var results = new List<AtResponse>();
        foreach (var command in transcript.Commands)
        {
            results.Add(await channel.ExecuteAsync(command, TimeSpan.FromSeconds(3), TestProfiles.Generous));
        }

        await script.Completed;
        var byCommand = transcript.Commands.Zip(results).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(["0,1,1.0"], byCommand["AT+FCLASS=?"].Lines);
        Assert.Equal(["3"], byCommand["AT+FTH=?"].Lines);
        Assert.Equal(["(0,1)"], byCommand["AT+FDD=?"].Lines);
        // iaxmodem is Class 1 only, and refuses +FTS/+FRS outside a call.
        Assert.Equal(AtResultCode.Error, byCommand["AT+FCLASS=2.0"].Result);
        Assert.Equal(AtResultCode.Error, byCommand["AT+FTS=7"].Result);
        Assert.True(byCommand["ATE0V1Q0"].IsOk);
    }

    [Theory]
    [InlineData("0,1,1.0", new[] { FaxClass.Class1, FaxClass.Class10 })]
    [InlineData("0,1,2,2.0", new[] { FaxClass.Class1, FaxClass.Class2, FaxClass.Class20 })]
    [InlineData("(0-2)", new[] { FaxClass.Class1, FaxClass.Class2 })]
    [InlineData("0,1,8", new[] { FaxClass.Class1 })]
    [InlineData("0,2.0", new[] { FaxClass.Class20 })]
    [InlineData("0", new FaxClass[0])]
    public void Class_lists_are_parsed(string answer, FaxClass[] expected) => Assert.Equal(expected, ModemProber.ParseClasses(answer));

    [Fact]
    public void An_unknown_modem_gets_the_generic_profile_of_its_best_class()
    {
        var catalog = ModemProfileCatalog.Load(null);
        var class1 = catalog.Suggest(new ModemIdentity { Classes = [FaxClass.Class1, FaxClass.Class10], TransmitCarriers = [Class1Carrier.V29At9600] });
        Assert.Equal("AT+FCLASS=1.0", class1.Class1.ClassCommand);
        Assert.Equal([96], class1.Class1.Modulations);
        Assert.Empty(ModemProfileLoader.Validate(class1 with { Name = "x" }));
        Assert.Equal(FaxClass.Class20, catalog.Suggest(new ModemIdentity { Classes = [FaxClass.Class20] }).PreferredClass);
        Assert.Equal(FaxClass.Class2, catalog.Suggest(new ModemIdentity { Classes = [FaxClass.Class2] }).PreferredClass);
        var none = Assert.Throws<ModemException>(() => catalog.Suggest(new ModemIdentity { ClassAnswer = "0" }));
        Assert.Contains("no fax class", none.Message, StringComparison.Ordinal);
        var json = ModemProfileLoader.ToJson(class1 with { Name = "suggested" });
        Assert.Equal(class1.Class1.Modulations, ModemProfileLoader.Parse(json, "suggested").Class1.Modulations);
    }

    [Fact]
    public void The_usr_5637_is_recognised_by_its_ati3()
    {
        var catalog = ModemProfileCatalog.Load(null);
        var identity = new ModemIdentity { Ati = "5601", Ati3 = "U.S. Robotics 56K FAX USB V1.2.23", Classes = [FaxClass.Class1] };
        Assert.Equal("usrobotics-5637", catalog.Match(identity)?.Name);
        Assert.Equal("multitech-mt5634zba", catalog.Match(new ModemIdentity { Manufacturer = "Multi-Tech Systems" })?.Name);
        Assert.Null(catalog.Match(new ModemIdentity { Ati = "unknown" }));
    }
}
