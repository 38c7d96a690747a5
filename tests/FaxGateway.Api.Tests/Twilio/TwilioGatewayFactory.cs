using System.Net.Http.Headers;
using System.Text;
using FaxGateway.Api.Callbacks;
using FaxGateway.Api.Twilio;
using FaxGateway.Core;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Security;
using FaxGateway.Core.Twilio;
using FaxGateway.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>
/// The real daemon composition on a TestServer (SQLite in a temp folder, fake clock) with the Twilio and callback
/// workers stopped, so each test drives the outbound pass, the inbound completion and the callback sender itself.
/// </summary>
public sealed class TwilioGatewayFactory : WebApplicationFactory<Program>
{
    /// <summary>The data folder; a second factory on the same folder is the same gateway after a restart.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "faxgw-twilio-" + Guid.NewGuid().ToString("N"));

    /// <summary>Leave the data folder on dispose (a restart test hands it to the next factory).</summary>
    public bool KeepDataDirectory { get; init; }

    /// <summary>More service changes for one test (e.g. queue options).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Twilio:StatusCallbacks for this host.</summary>
    public TwilioStatusCallbackMode StatusCallbacks { get; init; } = TwilioStatusCallbackMode.EveryChange;

    public FakeTimeProvider Time { get; init; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    protected override IHostBuilder CreateHostBuilder() =>
        DaemonHost.CreateHostBuilder(new DaemonSettings { DataDirectory = DataDirectory });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.PostConfigure<TwilioOptions>(o =>
            {
                o.BackgroundWorkers = false;
                o.PublicBaseUrl = "https://gateway.example";
                o.StatusCallbacks = StatusCallbacks;
            });
            foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService)
                && (d.ImplementationType == typeof(CallbackDeliveryService) || d.ImplementationType == typeof(ConversionService))).ToList())
            {
                services.Remove(descriptor);
            }

            services.AddSingleton<CallbackDeliveryService>();
            ConfigureServices?.Invoke(services);
        });
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Runs the daemon's real converting step once (the hosted converter is stopped in these tests).</summary>
    public Task<bool> ConvertNextAsync() => ActivatorUtilities.CreateInstance<ConversionService>(Services).ConvertNextAsync(CancellationToken.None);

    /// <summary>A file of the repository's test corpus.</summary>
    public static byte[] Corpus(string relativePath)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FaxGateway.sln")))
        {
            dir = dir.Parent;
        }

        return File.ReadAllBytes(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("FaxGateway.sln not found"), "tests", "corpus", relativePath));
    }

    /// <summary>A new account with a FAX.PLUS bearer client, Twilio credentials and a Basic-authenticated client.</summary>
    public async Task<TestAccount> CreateAccountAsync(string? number = "+41441234567")
    {
        _ = Server;
        var account = new Account
        {
            Id = FaxIds.NewLong(),
            Email = $"{Guid.NewGuid():N}@example.test",
            Type = AccountType.CorporateAdmin,
            CreatedAt = Time.GetUtcNow(),
        };
        await Get<IAccountRepository>().AddAsync(account, CancellationToken.None);
        if (number is not null)
        {
            await Get<INumberRepository>().UpsertAsync(new FaxNumber { Id = FaxIds.NewShort(), Number = number, OwnerId = account.Id, AcquiredAt = Time.GetUtcNow() }, CancellationToken.None);
        }

        var bearer = CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", await Get<TokenService>().CreateAsync(account.Id, [Scopes.AllEdit], "test", CancellationToken.None));
        var twilio = await Get<ITwilioRepository>().EnsureAccountAsync(account.Id, Time.GetUtcNow(), CancellationToken.None);
        var basic = CreateClient();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
        return new TestAccount(account, twilio, bearer, basic);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !KeepDataDirectory)
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

public sealed record TestAccount(Account Account, TwilioAccount Twilio, HttpClient FaxPlus, HttpClient Basic);
