using FaxGateway.Modems.At;
using FaxGateway.Modems.Profiles;
using FaxGateway.Modems.Transport;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Modems.Tests.Scripting;

internal static class TestProfiles
{
    /// <summary>A Class 1 profile with short waits and no reset delay, so scripts stay short.</summary>
    public static ModemProfile Class1 { get; } = new()
    {
        Name = "test-class1",
        ResetCommand = "ATZ",
        ResetDelayMs = 0,
        InitCommands = ["ATE0V1Q0"],
        Class1 = new Class1Settings { Modulations = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146] },
    };

    public static ModemProfile Class20 { get; } = new()
    {
        Name = "test-class20",
        PreferredClass = FaxClass.Class20,
        ResetDelayMs = 0,
        InitCommands = ["ATE0V1Q0"],
    };

    public static ModemProfile Class2 { get; } = new()
    {
        Name = "test-class2",
        PreferredClass = FaxClass.Class2,
        ResetDelayMs = 0,
        InitCommands = ["ATE0V1Q0"],
    };

    /// <summary>The rows a Break plays after the failure: abort bytes, AT, hangup, reset and init (+ class commands).</summary>
    public static ScriptedModemStream BreakRows(this ScriptedModemStream script, ModemProfile profile, params string[] classCommands)
    {
        script.Expect("\u0010\u0003\r").Exchange("AT\r", "\r\nOK\r\n").Exchange(profile.HangupCommand + "\r", "\r\nOK\r\n");
        return script.InitRows(profile, classCommands);
    }

    public static ScriptedModemStream InitRows(this ScriptedModemStream script, ModemProfile profile, params string[] classCommands)
    {
        script.Exchange(profile.ResetCommand + "\r", "\r\nOK\r\n");
        foreach (var command in profile.InitCommands.Concat(classCommands))
        {
            script.Exchange(command + "\r", "\r\nOK\r\n");
        }

        return script;
    }

    public static ModemConnection Connect(ScriptedModemStream script, ModemProfile profile, TimeProvider? time = null) =>
        new(new StreamModemTransport(script.Start(), "script"), profile, time ?? new FakeTimeProvider(), options: new AtChannelOptions());

    public static CancellationToken Generous => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;
}
