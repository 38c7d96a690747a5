using System.Net.Http.Headers;
using FaxGateway.Api;
using FaxGateway.Api.Callbacks;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;
using FaxGateway.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Api.Tests.Support;

/// <summary>
/// The real daemon composition (DaemonHost) on a TestServer, with SQLite in a temporary folder, a fake
/// clock, and no background callback sender (tests drive <see cref="CallbackDeliveryService"/> themselves).
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "faxgw-api-" + Guid.NewGuid().ToString("N"));

    /// <summary>Small, so the oversized-upload test stays fast.</summary>
    public long MaxUploadBytes { get; init; } = 64 * 1024;

    /// <summary>Keep the data folder on dispose (restart tests reuse it).</summary>
    public bool KeepData { get; init; }
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    protected override IHostBuilder CreateHostBuilder() =>
        DaemonHost.CreateHostBuilder(new DaemonSettings { DataDirectory = DataDirectory });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.PostConfigure<ApiOptions>(o => o.MaxUploadBytes = MaxUploadBytes);
            var sender = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(CallbackDeliveryService)).ToList();
            foreach (var descriptor in sender)
            {
                services.Remove(descriptor);
            }

            services.AddSingleton<CallbackDeliveryService>();
        });
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>An account with a token of the given scopes; returns the account and an authorised client.</summary>
    public async Task<(Account Account, HttpClient Client)> CreateAccountAsync(AccountType type = AccountType.CorporateAdmin, string? parentId = null, params string[] scopes)
    {
        _ = Server; // starts the host (migrations run at start)
        var account = new Account
        {
            Id = FaxIds.NewLong(),
            Email = $"{Guid.NewGuid():N}@example.test",
            Name = "Test",
            Type = type,
            ParentId = parentId,
            CreatedAt = Time.GetUtcNow(),
        };
        await Get<IAccountRepository>().AddAsync(account, CancellationToken.None);
        return (account, await ClientForAsync(account.Id, scopes.Length == 0 ? [Scopes.AllEdit] : scopes));
    }

    public async Task<HttpClient> ClientForAsync(string accountId, params string[] scopes)
    {
        var token = await Get<TokenService>().CreateAsync(accountId, scopes, "test", CancellationToken.None);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<FaxNumber> AddNumberAsync(string ownerId, string number)
    {
        var record = new FaxNumber { Id = FaxIds.NewShort(), Number = number, OwnerId = ownerId, AcquiredAt = Time.GetUtcNow() };
        await Get<INumberRepository>().UpsertAsync(record, CancellationToken.None);
        return record;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !KeepData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the WAL for a moment; the temp folder is cleaned by the OS.
            }
        }
    }
}
