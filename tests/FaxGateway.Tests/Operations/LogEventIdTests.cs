using System.Reflection;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Tests.Operations;

/// <summary>
/// Event ids are what an admin filters the journal by (docs/operations.md): each one names a single message
/// across the whole daemon, and each layer keeps to its own hundreds.
/// </summary>
public sealed class LogEventIdTests
{
    private static IEnumerable<(int Id, string Where)> LogMessages()
    {
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "FaxGateway*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && !n.EndsWith(".Tests", StringComparison.Ordinal))
            .Select(n => Assembly.Load(n!));
        foreach (var assembly in assemblies)
        {
            foreach (var type in assembly.GetTypes())
            {
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } message)
                    {
                        yield return (message.EventId, $"{type.FullName}.{method.Name}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_log_message_of_the_daemon_has_an_event_id_of_its_own()
    {
        var messages = LogMessages().ToArray();
        Assert.True(messages.Length > 50, $"only {messages.Length} log messages found: the scan missed assemblies");
        var clashes = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Where))}")
            .ToArray();
        Assert.True(clashes.Length == 0, "event ids used twice:\n" + string.Join("\n", clashes));
    }

    [Fact]
    public void Each_type_keeps_its_event_ids_in_hundreds_no_other_layer_uses()
    {
        var owners = LogMessages()
            .GroupBy(m => m.Id / 100)
            .Select(g => (Hundred: g.Key * 100, Namespaces: g.Select(m => m.Where[..m.Where.LastIndexOf('.')]).Select(t => t[..t.LastIndexOf('.')]).Distinct().ToArray()))
            .Where(h => h.Namespaces.Length > 1)
            .Select(h => $"{h.Hundred}: {string.Join(", ", h.Namespaces)}")
            .ToArray();
        Assert.True(owners.Length == 0, "hundreds shared by namespaces:\n" + string.Join("\n", owners));
    }
}
