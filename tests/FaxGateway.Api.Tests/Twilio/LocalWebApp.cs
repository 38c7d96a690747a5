using System.Collections.Concurrent;
using FaxGateway.Api.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>A tenant app on Kestrel at 127.0.0.1 (a random port) that records every request and checks its signature.</summary>
internal sealed class LocalWebApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalWebApp(WebApplication app, string authToken)
    {
        _app = app;
        AuthToken = authToken;
    }

    public string AuthToken { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<LocalWebApp> StartAsync(string authToken, Action<WebApplication, LocalWebApp> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var local = new LocalWebApp(app, authToken);
        app.Use(async (context, next) =>
        {
            // Record before the endpoint runs so a test can wait for a request whose answer never comes.
            context.Request.EnableBuffering();
            IReadOnlyList<KeyValuePair<string, string>> form = [];
            if (context.Request.HasFormContentType)
            {
                var read = await context.Request.ReadFormAsync(context.RequestAborted);
                form = read.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToArray();
            }

            var valid = await TwilioRequestValidation.IsValidAsync(context.Request, authToken, context.RequestAborted);
            local.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                TwilioRequestValidation.RequestUrl(context.Request),
                context.Request.Path,
                context.Request.QueryString.Value ?? "",
                form,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                valid));
            local.RequestArrived.Release();
            await next(context);
        });
        map(app, local);
        await app.StartAsync();
        local.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return local;
    }

    public SemaphoreSlim RequestArrived { get; } = new(0);

    public string Url(string path) => BaseUrl + path;

    public async Task WaitForRequestAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await RequestArrived.WaitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        RequestArrived.Dispose();
    }
}

internal sealed record RecordedRequest(
    string Method,
    string Url,
    PathString Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Form,
    IReadOnlyDictionary<string, string> Headers,
    bool SignatureValid)
{
    public string? FormValue(string name) => Form.FirstOrDefault(p => p.Key == name).Value;
}
