using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;
using FaxGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaxGateway.Tests.Daemon;

public sealed class CommandLineTests
{
    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => FaxGateway.Tests.Cli.Cli.RunAsync(args);

    [Fact]
    public async Task Token_create_prints_only_a_token_that_authenticates()
    {
        var data = Path.Combine(Path.GetTempPath(), "faxgw-cli-" + Guid.NewGuid().ToString("N"));
        var (exit, output, error) = await RunAsync("token", "create", "--data", data, "--account", "self", "--scope", "fax:all:edit");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var token = output.TrimEnd('\n');
        Assert.Matches("^fgw_pat_[A-Za-z0-9_-]{43}$", token);

        var services = new ServiceCollection().AddSqliteStorage(o => o.DataDirectory = data).AddSingleton(TimeProvider.System).AddSingleton<TokenService>().BuildServiceProvider();
        await using (services)
        {
            var principal = await services.GetRequiredService<TokenService>().ValidateAsync(token, CancellationToken.None);
            Assert.NotNull(principal);
            Assert.Equal(["fax:all:edit"], principal.Scopes);
            var account = await services.GetRequiredService<IAccountRepository>().GetFirstAsync(CancellationToken.None);
            Assert.Equal(account!.Id, principal.AccountId);
        }

        var (again, second, _) = await RunAsync("token", "create", "--data", data, "--scope", "fax:all:read");
        Assert.Equal(0, again);
        Assert.NotEqual(token, second.TrimEnd('\n'));
    }

    [Fact]
    public async Task Token_create_refuses_unknown_scopes_and_accounts()
    {
        var data = Path.Combine(Path.GetTempPath(), "faxgw-cli-" + Guid.NewGuid().ToString("N"));
        var (exit, output, error) = await RunAsync("token", "create", "--data", data, "--scope", "fax:everything");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("Unknown scope", error, StringComparison.Ordinal);
        (exit, _, error) = await RunAsync("token", "create", "--data", data, "--account", "0123456789abcdef");
        Assert.Equal(2, exit);
        Assert.Contains("no account", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_bad_configuration_stops_with_clear_messages()
    {
        var config = Path.Combine(Path.GetTempPath(), "faxgw-bad-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(config, """{"Queue":{"KillAfter":"-00:01:00","MaxConcurrentPerDestination":0},"Storage":{"Synchronous":"OFF"},"Api":{"MaxUploadBytes":1}}""");
        var data = Path.Combine(Path.GetTempPath(), "faxgw-cli-" + Guid.NewGuid().ToString("N"));
        var (exit, _, error) = await RunAsync("run", "--config", config, "--data", data, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, exit);
        Assert.Contains("Queue:KillAfter must be positive", error, StringComparison.Ordinal);
        Assert.Contains("Queue:MaxConcurrentPerDestination", error, StringComparison.Ordinal);
        Assert.Contains("Storage:Synchronous must be NORMAL or FULL", error, StringComparison.Ordinal);
        Assert.Contains("Api:MaxUploadBytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_an_unreadable_value_or_a_missing_file_says_so()
    {
        var config = Path.Combine(Path.GetTempPath(), "faxgw-bad-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(config, """{"Queue":{"PollInterval":"soon"}}""");
        var (exit, _, error) = await RunAsync("run", "--config", config, "--data", Path.GetTempPath());
        Assert.Equal(2, exit);
        Assert.Contains("configuration error", error, StringComparison.Ordinal);
        Assert.Contains("Queue", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("run", "--config", "/nonexistent/faxgw.json");
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_on_a_port_that_is_taken_says_so_and_exits_instead_of_a_stack_trace()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        var data = Path.Combine(Path.GetTempPath(), "faxgw-cli-" + Guid.NewGuid().ToString("N"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var (exit, _, error) = await RunAsync("run", "--data", data, "--urls", $"http://127.0.0.1:{port}").WaitAsync(timeout.Token);

        Assert.Equal(2, exit);
        Assert.Contains($"faxgw run: cannot listen: Failed to bind to address http://127.0.0.1:{port}: address already in use.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
