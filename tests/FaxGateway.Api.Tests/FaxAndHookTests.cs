using System.Net;
using FaxGateway.Api.Tests.Support;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;

namespace FaxGateway.Api.Tests;

public sealed class FaxAndHookTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static readonly byte[] Tiff = [.. "II*\0"u8, 8, 0, 0, 0, 1, 2, 3, 4];

    /// <summary>Stores a received fax with a page file in the account's inbox (or a sent one).</summary>
    private async Task<FaxRecord> SeedFaxAsync(string accountId, FaxDirection direction = FaxDirection.Incoming, DateTimeOffset? start = null, bool spam = false)
    {
        var store = factory.Get<IFileContentStore>();
        var fileId = FaxIds.NewLong();
        var (relative, size) = await store.WriteAsync(fileId, "tif", new MemoryStream(Tiff), CancellationToken.None);
        var file = new StoredFile
        {
            Id = fileId, AccountId = accountId, Kind = StoredFileKind.FaxPages, RelativePath = relative, ContentType = "image/tiff",
            Size = size, PageCount = 1, CreatedAt = factory.Time.GetUtcNow(),
        };
        var session = FaxIds.NewShort();
        var record = new FaxRecord
        {
            Id = FaxIds.NewShort(), AccountId = accountId, Direction = direction, Status = "success", From = "+41445550001", To = "+41445550002",
            Pages = 1, FileId = fileId, FileName = "fax-from-41445550001", StartTime = start ?? factory.Time.GetUtcNow(), SessionId = session,
            HookId = session, LastUpdate = factory.Time.GetUtcNow(), IsSpam = spam,
        };
        await factory.Get<IFaxRepository>().AddReceivedAsync(record, file, [], CancellationToken.None);
        return record;
    }

    [Fact]
    public async Task Faxes_list_by_category_time_and_limit_newest_first()
    {
        var (account, client) = await factory.CreateAccountAsync();
        var t0 = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var oldIn = await SeedFaxAsync(account.Id, FaxDirection.Incoming, t0);
        var newIn = await SeedFaxAsync(account.Id, FaxDirection.Incoming, t0.AddHours(2));
        var sent = await SeedFaxAsync(account.Id, FaxDirection.Outgoing, t0.AddHours(1));
        var spam = await SeedFaxAsync(account.Id, FaxDirection.Incoming, t0.AddHours(3), spam: true);

        async Task<List<string?>> Ids(string query) =>
            [.. (await (await client.GetAsync("/v3/accounts/self/faxes" + query)).ReadJsonAsync()).GetProperty("data").GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetString())];

        Assert.Equal([spam.Id, newIn.Id, sent.Id, oldIn.Id], await Ids(""));
        Assert.Equal([newIn.Id, oldIn.Id], await Ids("?category=inbox"));
        Assert.Equal([sent.Id], await Ids("?category=sent"));
        Assert.Equal([spam.Id], await Ids("?category=spam"));
        Assert.Equal([newIn.Id, sent.Id], await Ids("?after=2026-11-01%2009:00:00&before=2026-11-01%2011:00:00"));
        Assert.Equal([spam.Id, newIn.Id], await Ids("?limit=2"));
        Assert.Equal([newIn.Id, oldIn.Id], await Ids("/../../self/archives?category=inbox"));
    }

    [Theory]
    [InlineData("?category=trash")]
    [InlineData("?after=yesterday")]
    [InlineData("?before=2026-13-01%2000:00:00")]
    [InlineData("?limit=0")]
    [InlineData("?limit=abc")]
    [InlineData("?limit=100000")]
    public async Task Fax_list_rejects_bad_query_values(string query)
    {
        var (_, client) = await factory.CreateAccountAsync();
        await (await client.GetAsync("/v3/accounts/self/faxes" + query)).AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_fax_record_has_the_required_fields_and_both_from_keys()
    {
        var (account, client) = await factory.CreateAccountAsync();
        var fax = await SeedFaxAsync(account.Id);
        var json = await (await client.GetAsync($"/v3/accounts/self/faxes/{fax.Id}")).ReadJsonAsync();
        Assert.Equal(fax.Id, json.GetProperty("id").GetString());
        Assert.Equal(account.Id, json.GetProperty("owner_id").GetString());
        Assert.Equal("success", json.GetProperty("status").GetString());
        Assert.Equal(1, json.GetProperty("pages").GetInt32());
        Assert.Equal("", json.GetProperty("comment").GetString());
        Assert.Equal(1, json.GetProperty("cost_details").GetProperty("multiplier").GetInt32());
        Assert.Equal("+41445550001", json.GetProperty("from").GetString());
        Assert.Equal("+41445550001", json.GetProperty("from_number").GetString());
        Assert.Equal("incoming", json.GetProperty("direction").GetString());
        Assert.Equal(fax.Id + ".tiff", json.GetProperty("file").GetString());
    }

    [Fact]
    public async Task Fax_update_download_and_delete()
    {
        var (account, client) = await factory.CreateAccountAsync();
        var fax = await SeedFaxAsync(account.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/v3/accounts/self/faxes/{fax.Id}", Http.Json("{\"comment\":\"seen\",\"is_read\":true}"))).StatusCode);
        var json = await (await client.GetAsync($"/v3/accounts/self/faxes/{fax.Id}")).ReadJsonAsync();
        Assert.Equal("seen", json.GetProperty("comment").GetString());
        Assert.True(json.GetProperty("is_read").GetBoolean());
        await (await client.PutAsync($"/v3/accounts/self/faxes/{fax.Id}", Http.Json("{\"comment\":\"seen\"}"))).AssertErrorAsync(HttpStatusCode.BadRequest);

        // The Python SDK sends Accept: application/json to binary routes: the bytes come back anyway.
        foreach (var id in new[] { fax.Id, fax.SessionId, fax.Id + ".tiff" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/v3/accounts/self/files/{id}?format=tiff");
            request.Headers.Accept.ParseAdd("application/json");
            var download = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("image/tiff", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Tiff, await download.Content.ReadAsByteArrayAsync());
            Assert.Contains("filename=", download.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        }

        await (await client.GetAsync($"/v3/accounts/self/files/{fax.Id}?format=gif")).AssertErrorAsync(HttpStatusCode.BadRequest);
        var path = factory.Get<IFileContentStore>().GetFullPath((await factory.Get<IFileRepository>().GetAsync(account.Id, fax.FileId!, CancellationToken.None))!.RelativePath);
        Assert.True(File.Exists(path));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v3/accounts/self/faxes/{fax.Id}")).StatusCode);
        Assert.False(File.Exists(path));
        await (await client.GetAsync($"/v3/accounts/self/faxes/{fax.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/v3/accounts/self/files/{fax.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/v3/accounts/self/faxes/{fax.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Accounts_never_read_change_or_delete_each_others_faxes()
    {
        var (alice, aliceClient) = await factory.CreateAccountAsync();
        var (_, bob) = await factory.CreateAccountAsync();
        var fax = await SeedFaxAsync(alice.Id);
        Assert.Empty((await (await bob.GetAsync("/v3/accounts/self/faxes")).ReadJsonAsync()).GetProperty("data").GetProperty("records").EnumerateArray());
        await (await bob.GetAsync($"/v3/accounts/self/faxes/{fax.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.GetAsync($"/v3/accounts/self/files/{fax.Id}?format=tiff")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.GetAsync($"/v3/accounts/self/report/{fax.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.PutAsync($"/v3/accounts/self/faxes/{fax.Id}", Http.Json("{\"comment\":\"x\",\"is_read\":true}"))).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.DeleteAsync($"/v3/accounts/self/faxes/{fax.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.GetAsync($"/v3/accounts/{alice.Id}/faxes")).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await aliceClient.GetAsync($"/v3/accounts/self/faxes/{fax.Id}")).StatusCode);
    }

    [Fact]
    public async Task Hooks_create_list_delete()
    {
        var (_, client) = await factory.CreateAccountAsync();
        var created = await client.PostAsync("/v3/hooks", Http.Json("{\"target\":\"https://example.test/hook\",\"event\":\"fax_received\",\"numbers\":[\"+41 44 555 00 02\"]}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.ReadJsonAsync();
        var id = json.GetProperty("id").GetString();
        Assert.Equal(24, id!.Length);
        Assert.Equal(64, json.GetProperty("secret").GetString()!.Length);

        var list = (await (await client.GetAsync("/v3/hooks?event=fax_received")).ReadJsonAsync()).GetProperty("data");
        var hook = Assert.Single(list.EnumerateArray());
        Assert.Equal("https://example.test/hook", hook.GetProperty("target").GetString());
        Assert.Equal("fax_received", hook.GetProperty("event").GetString());
        Assert.Equal("+41445550002", hook.GetProperty("numbers")[0].GetString());
        Assert.Empty((await (await client.GetAsync("/v3/hooks?event=fax_sent")).ReadJsonAsync()).GetProperty("data").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v3/hooks/{id}")).StatusCode);
        await (await client.DeleteAsync($"/v3/hooks/{id}")).AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"target\":\"https://example.test/\",\"event\":\"fax_page_received\"}")]
    [InlineData("{\"target\":\"ftp://example.test/\",\"event\":\"fax_sent\"}")]
    [InlineData("{\"target\":\"/relative\",\"event\":\"fax_sent\"}")]
    [InlineData("{\"event\":\"fax_sent\"}")]
    [InlineData("{\"target\":\"https://example.test/\",\"event\":\"fax_sent\",\"numbers\":[]}")]
    [InlineData("{\"target\":\"https://example.test/\",\"event\":\"fax_sent\",\"secret\":\"x\"}")]
    public async Task Bad_hook_registrations_are_400(string body)
    {
        var (_, client) = await factory.CreateAccountAsync();
        await (await client.PostAsync("/v3/hooks", Http.Json(body))).AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Hook_list_needs_a_valid_event()
    {
        var (_, client) = await factory.CreateAccountAsync();
        await (await client.GetAsync("/v3/hooks")).AssertErrorAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/v3/hooks?event=everything")).AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Accounts_never_see_or_delete_each_others_hooks()
    {
        var (_, alice) = await factory.CreateAccountAsync();
        var (_, bob) = await factory.CreateAccountAsync();
        var id = (await (await alice.PostAsync("/v3/hooks", Http.Json("{\"target\":\"https://a.test/\",\"event\":\"fax_sent\"}"))).ReadJsonAsync()).GetProperty("id").GetString();
        Assert.Empty((await (await bob.GetAsync("/v3/hooks?event=fax_sent")).ReadJsonAsync()).GetProperty("data").EnumerateArray());
        await (await bob.DeleteAsync($"/v3/hooks/{id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Single((await (await alice.GetAsync("/v3/hooks?event=fax_sent")).ReadJsonAsync()).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task The_openapi_document_and_its_ui_are_served()
    {
        var client = factory.CreateClient();
        var doc = await (await client.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v3/accounts/{user_id}/outbox", out var outbox));
        Assert.True(outbox.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/v3/hooks", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/v1")).StatusCode);
    }
}
