using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FaxGateway.Api.Callbacks;
using FaxGateway.Core.Lines;
using FaxGateway.Documents.Pdf;
using FaxGateway.Hosting;
using FaxGateway.Imaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaxGateway.Tests.Daemon;

/// <summary>
/// The whole daemon (DaemonHost with its hosted services: conversion, line workers, callback sender)
/// on a TestServer, three lines wired back to back by a line test double, webhooks caught by a real
/// HTTP listener on loopback. Waits are on events with a generous timeout, never on sleeps.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private sealed class DaemonFactory(string data, IFaxLineFactory lines) : WebApplicationFactory<Program>
    {
        protected override IHostBuilder CreateHostBuilder() =>
            DaemonHost.CreateHostBuilder(new DaemonSettings { DataDirectory = data, LineFactoryOverride = _ => lines });
    }

    private readonly string _data = Path.Combine(Path.GetTempPath(), "faxgw-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<(string Event, JsonElement Body, string Signature, byte[] Raw)> _hooks = new();
    private readonly SemaphoreSlim _hookArrived = new(0);
    private WebApplication _listener = null!;
    private Uri _listenerAddress = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _listener = builder.Build();
        _listener.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var raw = buffer.ToArray();
            var body = JsonDocument.Parse(raw).RootElement.Clone();
            _hooks.Enqueue((body.GetProperty("hook").GetProperty("event").GetString()!, body, http.Request.Headers[WebhookSignature.HeaderName].ToString(), raw));
            _hookArrived.Release();
            return Results.Ok();
        });
        await _listener.StartAsync();
        _listenerAddress = new Uri(_listener.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync();
        await _listener.DisposeAsync();
        _hookArrived.Dispose();
    }

    private static byte[] SamplePdf()
    {
        var pages = Enumerable.Range(0, 2).Select(p =>
        {
            var page = new PageRaster(1728, 2200, 204, 196);
            for (var row = 200 + (p * 300); row < 600 + (p * 300); row++)
            {
                page.Pixels.AsSpan(row * page.Stride + 20, 100).Fill(0xFF);
            }

            return page;
        });
        using var pdf = new MemoryStream();
        ReceivedFax.ToPdf(pages, pdf);
        return pdf.ToArray();
    }

    [Fact]
    public async Task A_pdf_sent_to_two_lines_arrives_in_the_inbox_with_webhooks_on_both_sides()
    {
        var lines = new LoopbackLines(
            new FaxLineDescriptor("sim1", "+15550000001"),
            new FaxLineDescriptor("sim2", "+15550000002", CanSend: false),
            new FaxLineDescriptor("sim3", "+15550000003", CanSend: false));
        using var factory = new DaemonFactory(_data, lines);
        _ = factory.Server;
        var start = await DaemonBootstrap.RunAsync(factory.Services, CancellationToken.None);
        Assert.NotNull(start.NewToken);
        Assert.Equal(3, start.LineNumbers.Count);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", start.NewToken);

        var numbers = (await (await client.GetAsync("/v3/accounts/self/numbers")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("numbers").EnumerateArray().Select(n => n.GetProperty("number").GetString()).ToList();
        Assert.Equal(["+15550000001", "+15550000002", "+15550000003"], numbers);

        var secrets = new List<string>();
        foreach (var eventName in new[] { "fax_sent", "fax_received" })
        {
            var hook = await client.PostAsync("/v3/hooks", new StringContent($"{{\"target\":\"{_listenerAddress}hook\",\"event\":\"{eventName}\"}}", Encoding.UTF8, "application/json"));
            secrets.Add((await hook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!);
        }

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(SamplePdf());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "fax_file", "sample.pdf");
        var path = (await (await client.PostAsync("/v3/accounts/self/files", form)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString();
        var send = await client.PostAsync("/v3/accounts/self/outbox", new StringContent(
            $"{{\"from\":\"+15550000001\",\"to\":[\"+15550000002\",\"+15550000003\"],\"files\":[\"{path}\"],\"return_ids\":true}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, send.StatusCode);
        var ids = (await send.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids");

        for (var i = 0; i < 4; i++)
        {
            if (!await _hookArrived.WaitAsync(TimeSpan.FromSeconds(90)))
            {
                Assert.Fail($"webhooks: {_hooks.Count}; outbox: {await client.GetStringAsync("/v3/accounts/self/outbox")}; faxes: {await client.GetStringAsync("/v3/accounts/self/faxes")}");
            }
        }

        var sentHooks = _hooks.Where(h => h.Event == "fax_sent").ToList();
        var receivedHooks = _hooks.Where(h => h.Event == "fax_received").ToList();
        Assert.Equal(2, sentHooks.Count);
        Assert.Equal(2, receivedHooks.Count);
        Assert.All(sentHooks, h => Assert.True(WebhookSignature.Verify(secrets[0], h.Raw, h.Signature)));
        Assert.All(receivedHooks, h => Assert.True(WebhookSignature.Verify(secrets[1], h.Raw, h.Signature)));
        Assert.All(sentHooks, h => Assert.Equal("success", h.Body.GetProperty("data").GetProperty("status").GetString()));
        Assert.Equal(
            [ids.GetProperty("+15550000002").GetString(), ids.GetProperty("+15550000003").GetString()],
            sentHooks.OrderBy(h => h.Body.GetProperty("data").GetProperty("to").GetString()).Select(h => h.Body.GetProperty("hook").GetProperty("id").GetString()));

        Assert.Empty((await (await client.GetAsync("/v3/accounts/self/outbox")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("records").EnumerateArray());
        var sent = (await (await client.GetAsync("/v3/accounts/self/faxes?category=sent")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("records");
        Assert.Equal(2, sent.GetArrayLength());
        Assert.All(sent.EnumerateArray(), f => Assert.Equal(2, f.GetProperty("pages").GetInt32()));
        var inbox = (await (await client.GetAsync("/v3/accounts/self/faxes?category=inbox")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("records");
        Assert.Equal(2, inbox.GetArrayLength());

        var sentTiff = TiffFax.Read(new MemoryStream(await client.GetByteArrayAsync($"/v3/accounts/self/files/{sent[0].GetProperty("id").GetString()}?format=tiff")));
        foreach (var fax in inbox.EnumerateArray())
        {
            Assert.Equal("success", fax.GetProperty("status").GetString());
            Assert.Equal("+15550000001", fax.GetProperty("from").GetString());
            var id = fax.GetProperty("id").GetString();
            var tiff = TiffFax.Read(new MemoryStream(await client.GetByteArrayAsync($"/v3/accounts/self/files/{id}?format=tiff")));
            Assert.Equal(2, tiff.Count);
            for (var p = 0; p < 2; p++)
            {
                Assert.Equal(1728, tiff[p].Raster.Width);
                Assert.Equal(sentTiff[p].Raster.Pixels, tiff[p].Raster.Pixels);
            }

            var pdf = await client.GetAsync($"/v3/accounts/self/files/{id}?format=pdf");
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
            Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..5], StringComparison.Ordinal);
        }

        var report = await client.GetAsync($"/v3/accounts/self/report/{sent[0].GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("application/pdf", report.Content.Headers.ContentType!.MediaType);
    }
}
