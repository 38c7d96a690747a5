using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaxGateway.Api.Tests.Support;

namespace FaxGateway.Api.Tests;

public sealed class FileAndOutboxTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private async Task<(string Number, HttpClient Client, string AccountId)> SenderAsync()
    {
        var (account, client) = await factory.CreateAccountAsync();
        var number = "+4142" + Random.Shared.Next(1000000, 9999999);
        await factory.AddNumberAsync(account.Id, number);
        return (number, client, account.Id);
    }

    private static string Send(string from, string path, params string[] to) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["from"] = from, ["to"] = to, ["files"] = new[] { path } });

    [Fact]
    public async Task Upload_returns_a_transient_path()
    {
        var (_, client) = await factory.CreateAccountAsync();
        var path = await client.UploadAsync(Http.Pdf);
        Assert.StartsWith("/transient-", path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_sniffs_the_content_not_the_name()
    {
        var (_, client) = await factory.CreateAccountAsync();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.ASCII.GetBytes("MZ this is an executable, not a pdf"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "fax_file", "invoice.pdf");
        Assert.Equal("unsupported_file_type", await (await client.PostAsync("/v3/accounts/self/files", form)).AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Upload_accepts_tiff_png_and_jpeg()
    {
        var (_, client) = await factory.CreateAccountAsync();
        await client.UploadAsync([.. "II*\0"u8, 8, 0, 0, 0], "a.tif");
        await client.UploadAsync([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], "a.png");
        await client.UploadAsync([0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "a.jpg");
    }

    [Fact]
    public async Task Oversized_upload_is_413()
    {
        var (_, client) = await factory.CreateAccountAsync();
        using var form = new MultipartFormDataContent();
        var big = new byte[factory.MaxUploadBytes + 1];
        "%PDF-1.4"u8.CopyTo(big);
        form.Add(new ByteArrayContent(big), "fax_file", "big.pdf");
        Assert.Equal("file_too_large", await (await client.PostAsync("/v3/accounts/self/files", form)).AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task Upload_errors_are_400()
    {
        var (_, client) = await factory.CreateAccountAsync();
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(Http.Pdf), "document", "a.pdf");
            await (await client.PostAsync("/v3/accounts/self/files", form)).AssertErrorAsync(HttpStatusCode.BadRequest);
        }

        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(Http.Pdf), "fax_file", "a.pdf");
            await (await client.PostAsync("/v3/accounts/self/files?format=docx", form)).AssertErrorAsync(HttpStatusCode.BadRequest);
        }

        Assert.Equal("unsupported_media_type", await (await client.PostAsync("/v3/accounts/self/files", Http.Json("{}"))).AssertErrorAsync(HttpStatusCode.UnsupportedMediaType));
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent([]), "fax_file", "empty.pdf");
            await (await client.PostAsync("/v3/accounts/self/files", form)).AssertErrorAsync(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Send_creates_an_outbox_entry_with_its_lifecycle_fields()
    {
        var (number, client, accountId) = await SenderAsync();
        var path = await client.UploadAsync(Http.Pdf);
        var body = $$$"""
            {"from":"{{{number}}}","to":["+41 44 555 01 01","+41445550102"],"files":["{{{path}}}"],
             "comment":{"text":"quarterly","tags":["q4"]},"options":{"enhancement":false,"retry":{"count":2,"delay":60}},
             "send_time":"2026-11-22 13:00:00 +0100","return_ids":true,
             "cover_page":{"name_to":"Bob","name_from":"Alice","subject":"Hi","flags":["urgent"]}}
            """;
        var response = await client.PostAsync("/v3/accounts/self/outbox", Http.Json(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ids = (await response.ReadJsonAsync()).GetProperty("ids");
        Assert.Equal(24, ids.GetProperty("+41445550101").GetString()!.Length);
        Assert.True(ids.TryGetProperty("+41445550102", out _));

        var list = await (await client.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync();
        var record = Assert.Single(list.GetProperty("records").EnumerateArray());
        Assert.Equal(accountId, record.GetProperty("uid").GetString());
        Assert.Equal("submitted", record.GetProperty("status").GetString());
        Assert.Equal(["+41445550101", "+41445550102"], record.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(path, record.GetProperty("files")[0].GetString());
        Assert.Equal("quarterly", record.GetProperty("comment").GetProperty("text").GetString());
        Assert.Equal(2, record.GetProperty("retry").GetProperty("count").GetInt32());
        Assert.False(record.GetProperty("should_enhance").GetBoolean());
        Assert.Equal("2026-11-22 12:00:00 +0000", record.GetProperty("send_time").GetString());
        Assert.Equal("2026-11-22 12:00:00 +0000", record.GetProperty("submit_time").GetString());
        Assert.Equal("submitted", record.GetProperty("status_changes")[0].GetProperty("status").GetString());
        Assert.Equal("Bob", record.GetProperty("cover_page").GetProperty("name_to").GetString());
        Assert.Equal(0, record.GetProperty("page_count").GetInt32());

        var id = record.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v3/accounts/self/outbox/{id}")).StatusCode);
    }

    [Fact]
    public async Task Send_without_return_ids_answers_an_empty_object()
    {
        var (number, client, _) = await SenderAsync();
        var path = await client.UploadAsync(Http.Pdf);
        var response = await client.PostAsync("/v3/accounts/self/outbox", Http.Json(Send(number, path, "+41445550199")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Outbox_comment_update_and_cancel()
    {
        var (number, client, _) = await SenderAsync();
        var path = await client.UploadAsync(Http.Pdf);
        await client.PostAsync("/v3/accounts/self/outbox", Http.Json(Send(number, path, "+41445550111")));
        var id = (await (await client.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records")[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/v3/accounts/self/outbox/{id}", Http.Json("{\"comment\":\"changed\"}"))).StatusCode);
        var record = await (await client.GetAsync($"/v3/accounts/self/outbox/{id}")).ReadJsonAsync();
        Assert.Equal("changed", record.GetProperty("comment").GetProperty("text").GetString());
        await (await client.PutAsync($"/v3/accounts/self/outbox/{id}", Http.Json("{\"comment\":\"x\",\"priority\":1}"))).AssertErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v3/accounts/self/outbox/{id}")).StatusCode);
        await (await client.GetAsync($"/v3/accounts/self/outbox/{id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync($"/v3/accounts/self/outbox/{id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await client.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records").EnumerateArray());
    }

    public static TheoryData<string, string> BadSends() => new()
    {
        { "not json at all", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"]}", "invalid_request" },
        { "{\"from\":\"{from}\",\"files\":[\"{path}\"]}", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"],\"colour\":true}", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"],\"options\":{\"retry\":{\"count\":\"two\"}}}", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":null,\"files\":[\"{path}\"]}", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":[],\"files\":[\"{path}\"]}", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":[\"call me\"],\"files\":[\"{path}\"]}", "invalid_number" },
        { "{\"from\":\"{from}\",\"to\":[\"+12\"],\"files\":[\"{path}\"]}", "invalid_number" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"/transient-nope\"]}", "file_not_found" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"relative.pdf\"]}", "file_not_found" },
        { "{\"from\":\"+41990000000\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"]}", "invalid_from" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"],\"send_time\":\"2020-01-01 00:00:00 +0000\"}", "invalid_send_time" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"],\"send_time\":\"tomorrow\"}", "invalid_send_time" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"],\"cover_page\":{\"name_to\":\"a\"}}", "invalid_request" },
        { "{\"from\":\"{from}\",\"to\":[\"+41445550101\"],\"files\":[\"{path}\"],\"options\":{\"retry\":{\"count\":-1}}}", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadSends))]
    public async Task Bad_send_requests_are_400_with_a_code(string template, string code)
    {
        var (number, client, _) = await SenderAsync();
        var path = await client.UploadAsync(Http.Pdf);
        var body = template.Replace("{from}", number, StringComparison.Ordinal).Replace("{path}", path, StringComparison.Ordinal);
        Assert.Equal(code, await (await client.PostAsync("/v3/accounts/self/outbox", Http.Json(body))).AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Empty((await (await client.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records").EnumerateArray());
    }

    [Fact]
    public async Task A_thousand_recipients_are_accepted_and_one_more_is_refused()
    {
        var (number, client, _) = await SenderAsync();
        var path = await client.UploadAsync(Http.Pdf);
        var thousand = Enumerable.Range(0, 1000).Select(i => $"+4144{i:D7}").ToArray();
        var response = await client.PostAsync("/v3/accounts/self/outbox", Http.Json(JsonSerializer.Serialize(new { from = number, to = thousand, files = new[] { path }, return_ids = true })));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1000, (await response.ReadJsonAsync()).GetProperty("ids").EnumerateObject().Count());
        var record = (await (await client.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records")[0];
        Assert.Equal(1000, record.GetProperty("to").GetArrayLength());

        var tooMany = thousand.Append("+41449999999").ToArray();
        Assert.Equal("too_many_recipients", await (await client.PostAsync("/v3/accounts/self/outbox",
            Http.Json(JsonSerializer.Serialize(new { from = number, to = tooMany, files = new[] { path } })))).AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Members_send_with_no_number()
    {
        var (admin, _) = await factory.CreateAccountAsync();
        var (_, member) = await factory.CreateAccountAsync(Core.Model.AccountType.CorporateMember, admin.Id);
        var path = await member.UploadAsync(Http.Pdf);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsync("/v3/accounts/self/outbox", Http.Json(Send("no_number", path, "+41445550123")))).StatusCode);
    }

    [Fact]
    public async Task Accounts_never_see_or_touch_each_others_outbox_or_uploads()
    {
        var (number, alice, _) = await SenderAsync();
        var (bobNumber, bob, _) = await SenderAsync();
        var alicePath = await alice.UploadAsync(Http.Tiff, "doc.tif");
        await alice.PostAsync("/v3/accounts/self/outbox", Http.Json(Send(number, alicePath, "+41445550130")));
        var id = (await (await alice.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records")[0].GetProperty("id").GetString();

        Assert.Empty((await (await bob.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records").EnumerateArray());
        await (await bob.GetAsync($"/v3/accounts/self/outbox/{id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.PutAsync($"/v3/accounts/self/outbox/{id}", Http.Json("{\"comment\":\"mine\"}"))).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await bob.DeleteAsync($"/v3/accounts/self/outbox/{id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("file_not_found", await (await bob.PostAsync("/v3/accounts/self/outbox", Http.Json(Send(bobNumber, alicePath, "+41445550131")))).AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/v3/accounts/self/outbox/{id}")).StatusCode);
    }
}
