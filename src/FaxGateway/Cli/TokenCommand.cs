using System.CommandLine;
using FaxGateway.Core;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;
using FaxGateway.Hosting;
using FaxGateway.Storage;

namespace FaxGateway.Cli;

/// <summary><c>faxgw token create --data DIR --account self --scope fax:all:edit</c>: prints a new API token, alone on stdout.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data folder of the daemon" };
        var account = new Option<string>("--account") { Description = "Account uid, or 'self' for the first account", DefaultValueFactory = _ => "self" };
        var scope = new Option<string[]>("--scope") { Description = "Scope(s) of the token, e.g. fax:all:edit or fax:all:read", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [Scopes.AllEdit] };
        var name = new Option<string>("--name") { Description = "A label for the token", DefaultValueFactory = _ => "cli" };
        var create = new Command("create", "Create an API token and print it") { data, account, scope, name };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(data)?.FullName ?? DaemonSettings.DefaultDataDirectory();
            var services = new ServiceCollection();
            services.AddSqliteStorage(o => o.DataDirectory = directory);
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<TokenService>();
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IStorageInitializer>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            var accountId = parse.GetValue(account) ?? "self";
            string uid;
            if (accountId == "self")
            {
                uid = (await DaemonBootstrap.EnsureSelfAccountAsync(provider, cancellationToken).ConfigureAwait(false)).Id;
            }
            else if (await provider.GetRequiredService<IAccountRepository>().GetAsync(accountId, cancellationToken).ConfigureAwait(false) is { } found)
            {
                uid = found.Id;
            }
            else
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"faxgw token: no account '{accountId}' in {directory}.").ConfigureAwait(false);
                return 2;
            }

            var scopes = parse.GetValue(scope) ?? [Scopes.AllEdit];
            try
            {
                var token = await provider.GetRequiredService<TokenService>().CreateAsync(uid, scopes, parse.GetValue(name) ?? "cli", cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(token).ConfigureAwait(false);
                return 0;
            }
            catch (ArgumentException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"faxgw token: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return new Command("token", "Manage API tokens") { create };
    }
}
