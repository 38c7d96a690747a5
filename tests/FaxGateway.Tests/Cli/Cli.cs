using System.CommandLine;
using FaxGateway.Cli;

namespace FaxGateway.Tests.Cli;

/// <summary>Runs <c>faxgw</c> verbs in-process, as the real root command does, with captured output.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Err) Run(params string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var root = new RootCommand("faxgw");
        foreach (var verb in CliVerbs.All())
        {
            root.Subcommands.Add(verb);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
