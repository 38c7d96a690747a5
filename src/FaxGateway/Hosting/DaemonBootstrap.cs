using FaxGateway.Core;
using FaxGateway.Core.Lines;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;

namespace FaxGateway.Hosting;

/// <summary>
/// First start: the <c>self</c> account (a corporate admin) and a token for it; every line's number
/// is registered and owned by that account so GET /v3/accounts/self/numbers lists it.
/// </summary>
internal static class DaemonBootstrap
{
    public sealed record Result(Account Account, string? NewToken, IReadOnlyList<FaxNumber> LineNumbers);

    public static async Task<Account> EnsureSelfAccountAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var accounts = services.GetRequiredService<IAccountRepository>();
        var existing = await accounts.GetFirstAsync(cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        var account = new Account
        {
            Id = FaxIds.NewLong(),
            Email = "admin@localhost",
            Name = "Fax",
            LastName = "Gateway",
            Type = AccountType.CorporateAdmin,
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        await accounts.AddAsync(account, cancellationToken).ConfigureAwait(false);
        return account;
    }

    public static async Task<Result> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IStorageInitializer>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        var accounts = services.GetRequiredService<IAccountRepository>();
        var firstStart = await accounts.GetFirstAsync(cancellationToken).ConfigureAwait(false) is null;
        var account = await EnsureSelfAccountAsync(services, cancellationToken).ConfigureAwait(false);
        string? token = null;
        if (firstStart)
        {
            token = await services.GetRequiredService<TokenService>().CreateAsync(account.Id, [Scopes.AllEdit], "first start", cancellationToken).ConfigureAwait(false);
        }

        var numbers = new List<FaxNumber>();
        if (services.GetService<IFaxLineFactory>() is { } factory)
        {
            var repository = services.GetRequiredService<INumberRepository>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            foreach (var line in factory.Lines)
            {
                if (!PhoneNumbers.TryNormalize(line.Number, out var normalized))
                {
                    continue;
                }

                var number = await repository.GetByNumberAsync(normalized, cancellationToken).ConfigureAwait(false)
                    ?? new FaxNumber { Id = FaxIds.NewShort(), Number = normalized, OwnerId = account.Id, AcquiredAt = now };
                number = number with { LineId = line.LineId };
                await repository.UpsertAsync(number, cancellationToken).ConfigureAwait(false);
                numbers.Add(number);
            }
        }

        return new Result(account, token, numbers);
    }
}
