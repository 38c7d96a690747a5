using System.Net;
using System.Text.Json;
using FaxGateway.Api.FaxPlus;
using FaxGateway.Api.Tests.Support;

namespace FaxGateway.Api.Tests;

/// <summary>
/// <c>Idempotency-Key</c> on POST /outbox (our extension; FAX.PLUS SDKs send none and see no change): a client that
/// retries a send whose answer it lost gets the entry it created, with the same ids, and no second fax.
/// </summary>
public sealed class IdempotencyKeyTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private async Task<(HttpClient Client, string Body)> SenderAsync(params string[] to)
    {
        var (account, client) = await factory.CreateAccountAsync();
        var number = "+4142" + Random.Shared.Next(1000000, 9999999);
        await factory.AddNumberAsync(account.Id, number);
        var path = await client.UploadAsync(Http.Pdf);
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["from"] = number, ["to"] = to, ["files"] = new[] { path }, ["return_ids"] = true });
        return (client, body);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/accounts/self/outbox") { Content = Http.Json(body) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(FaxPlusRoutes.IdempotencyKeyHeader, key);
        }

        return await client.SendAsync(request);
    }

    private static async Task<int> OutboxCountAsync(HttpClient client) =>
        (await (await client.GetAsync("/v3/accounts/self/outbox")).ReadJsonAsync()).GetProperty("records").GetArrayLength();

    [Fact]
    public async Task A_repeated_send_with_the_same_key_gets_the_same_ids_and_creates_nothing_new()
    {
        var (client, body) = await SenderAsync("+41445559101", "+41445559102");

        var first = await PostAsync(client, body, "order-4711-fax");
        var again = await PostAsync(client, body, "order-4711-fax");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.False(first.Headers.Contains(FaxPlusRoutes.IdempotentReplayedHeader));
        Assert.Equal("true", Assert.Single(again.Headers.GetValues(FaxPlusRoutes.IdempotentReplayedHeader)));
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("ids").ToString(), (await again.ReadJsonAsync()).GetProperty("ids").ToString());
        Assert.Equal(1, await OutboxCountAsync(client));
    }

    [Fact]
    public async Task Without_a_key_every_send_is_a_new_fax_as_in_FAX_PLUS()
    {
        var (client, body) = await SenderAsync("+41445559103");

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, body, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, body, null)).StatusCode);

        Assert.Equal(2, await OutboxCountAsync(client));
    }

    [Fact]
    public async Task The_same_key_for_a_different_send_is_a_409_conflict()
    {
        var (client, body) = await SenderAsync("+41445559104");
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, body, "k-1")).StatusCode);

        var other = body.Replace("41445559104", "41445559105", StringComparison.Ordinal);
        Assert.NotEqual(body, other);
        Assert.Equal("idempotency_key_reused", await (await PostAsync(client, other, "k-1")).AssertErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, await OutboxCountAsync(client));
    }

    [Fact]
    public async Task Keys_belong_to_their_account()
    {
        var (alice, aliceBody) = await SenderAsync("+41445559106");
        var (bob, bobBody) = await SenderAsync("+41445559106");

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(alice, aliceBody, "shared-key")).StatusCode);
        var bobs = await PostAsync(bob, bobBody, "shared-key");

        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);
        Assert.False(bobs.Headers.Contains(FaxPlusRoutes.IdempotentReplayedHeader));
        Assert.Equal(1, await OutboxCountAsync(bob));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("é")]
    public async Task A_malformed_key_is_400(string key)
    {
        var (client, body) = await SenderAsync("+41445559107");

        Assert.Equal("invalid_idempotency_key", await (await PostAsync(client, body, key)).AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal("invalid_idempotency_key", await (await PostAsync(client, body, new string('k', 256))).AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(0, await OutboxCountAsync(client));
    }

    [Fact]
    public async Task Parallel_retries_with_one_key_make_one_entry_and_all_get_its_ids()
    {
        var (client, body) = await SenderAsync("+41445559108");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(client, body, "burst-1")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("ids").ToString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await OutboxCountAsync(client));
    }
}
