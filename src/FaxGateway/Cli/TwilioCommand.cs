using System.CommandLine;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using FaxGateway.Hosting;
using FaxGateway.Storage;
using FaxGateway.Storage.Twilio;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw twilio credentials --data DIR --account self</c>: prints "AccountSid AuthToken" on one line (created the
/// first time): the Basic credentials of /v1/Faxes and the key of every X-Twilio-Signature the gateway sends.
/// </summary>
internal static class TwilioCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data folder of the daemon" };
        var account = new Option<string>("--account") { Description = "Account uid, or 'self' for the first account", DefaultValueFactory = _ => "self" };
        var credentials = new Command("credentials", "Print the account's AccountSid and AuthToken") { data, account };
        credentials.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(data)?.FullName ?? DaemonSettings.DefaultDataDirectory();
            await using var provider = await OpenStorageAsync(directory, cancellationToken).ConfigureAwait(false);
            var owner = await ResolveAccountAsync(provider, parse.GetValue(account) ?? "self", cancellationToken).ConfigureAwait(false);
            if (owner is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"faxgw twilio: no account '{parse.GetValue(account)}' in {directory}.").ConfigureAwait(false);
                return 2;
            }

            var twilio = await provider.GetRequiredService<ITwilioRepository>()
                .EnsureAccountAsync(owner.Id, provider.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{twilio.AccountSid} {twilio.AuthToken}").ConfigureAwait(false);
            return 0;
        });
        return new Command("twilio", "Twilio-style fax: credentials") { credentials };
    }

    /// <summary>The storage of a data folder, migrated.</summary>
    internal static async Task<ServiceProvider> OpenStorageAsync(string directory, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSqliteStorage(o => o.DataDirectory = directory);
        services.AddTwilioSqliteStorage();
        services.AddSingleton(TimeProvider.System);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStorageInitializer>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        return provider;
    }

    /// <summary>'self' (the first account, created if none) or an existing uid.</summary>
    internal static async Task<Account?> ResolveAccountAsync(IServiceProvider provider, string account, CancellationToken cancellationToken) =>
        account == "self"
            ? await DaemonBootstrap.EnsureSelfAccountAsync(provider, cancellationToken).ConfigureAwait(false)
            : await provider.GetRequiredService<IAccountRepository>().GetAsync(account, cancellationToken).ConfigureAwait(false);
}
