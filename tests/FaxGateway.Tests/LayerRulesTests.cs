using System.Xml.Linq;

namespace FaxGateway.Tests;

/// <summary>
/// The layer table of docs/architecture.md (and ../shared/design.md): each project references only
/// the projects its row allows, and only Modems and the host may know SerialPort.
/// </summary>
public sealed class LayerRulesTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["FaxGateway.Imaging"] = [],
        ["FaxGateway.Protocol"] = [],
        ["FaxGateway.Modems"] = ["FaxGateway.Protocol", "FaxGateway.Imaging"],
        ["FaxGateway.Simulator"] = ["FaxGateway.Protocol", "FaxGateway.Imaging", "FaxGateway.Modems"],
        ["FaxGateway.Documents"] = ["FaxGateway.Imaging"],
        ["FaxGateway.Core"] = ["FaxGateway.Imaging", "FaxGateway.Protocol", "FaxGateway.Modems", "FaxGateway.Documents"],
        ["FaxGateway.Storage"] = ["FaxGateway.Core"],
        ["FaxGateway.Api"] = ["FaxGateway.Core"],
    };

    private static bool IsComment(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("//", StringComparison.Ordinal) || t.StartsWith('*');
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FaxGateway.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FaxGateway.sln not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Projects() => [.. Allowed.Keys];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_references_only_what_its_layer_allows(string project)
    {
        var csproj = Path.Combine(RepositoryRoot(), "src", project, project + ".csproj");
        var references = XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!))
            .ToArray();

        Assert.Empty(references.Except(Allowed[project]));
    }

    [Fact]
    public void Every_source_project_has_a_row_in_the_layer_table()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src"))
            .Select(Path.GetFileName)
            .Where(n => n != "FaxGateway")
            .ToArray();

        Assert.All(projects, p => Assert.Contains(p!, Allowed.Keys));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Only_Modems_and_the_host_know_SerialPort(string project)
    {
        if (project == "FaxGateway.Modems")
        {
            return;
        }

        var offenders = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(line => !IsComment(line) && line.Contains("SerialPort", StringComparison.Ordinal)))
            .ToArray();
        var csproj = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", project, project + ".csproj"));

        Assert.Empty(offenders);
        Assert.DoesNotContain("System.IO.Ports", csproj, StringComparison.Ordinal);
    }
}
