using System.CommandLine;
using FaxGateway.Cli;

// faxgw: one executable, many verbs. Each verb lives in Cli/<Verb>Command.cs and is listed in CliVerbs.
var root = new RootCommand("faxgw: the FaxGateway fax server and its diagnostics");
foreach (var verb in CliVerbs.All())
{
    root.Subcommands.Add(verb);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

/// <summary>The entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
