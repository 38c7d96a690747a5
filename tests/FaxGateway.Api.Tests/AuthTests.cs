using System.Net;
using System.Net.Http.Headers;
using FaxGateway.Api.Tests.Support;
using FaxGateway.Core.Model;

namespace FaxGateway.Api.Tests;

public sealed class AuthTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    [Theory]
    [InlineData("GET", "/v3/accounts/self")]
    [InlineData("GET", "/v3/accounts")]
    [InlineData("GET", "/v3/accounts/self/numbers")]
    [InlineData("POST", "/v3/accounts/self/outbox")]
    [InlineData("GET", "/v3/accounts/self/outbox")]
    [InlineData("GET", "/v3/accounts/self/faxes")]
    [InlineData("GET", "/v3/accounts/self/files/abc")]
    [InlineData("GET", "/v3/hooks?event=fax_sent")]
    [InlineData("DELETE", "/v3/hooks/abc")]
    public async Task Every_route_needs_a_bearer_token(string method, string path)
    {
        _ = factory.Server;
        var client = factory.CreateClient();
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal("unauthorized", await response.AssertErrorAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task An_unknown_token_is_401()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "fgw_pat_not-a-token");
        await (await client.GetAsync("/v3/accounts/self")).AssertErrorAsync(HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        await (await client.GetAsync("/v3/accounts/self")).AssertErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_read_token_reads_but_cannot_change()
    {
        var (account, _) = await factory.CreateAccountAsync();
        var reader = await factory.ClientForAsync(account.Id, "fax:all:read");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v3/accounts/self")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v3/accounts/self/outbox")).StatusCode);
        Assert.Equal("forbidden", await (await reader.PostAsync("/v3/accounts/self/outbox", Http.Json("{}"))).AssertErrorAsync(HttpStatusCode.Forbidden));
        await (await reader.PutAsync("/v3/accounts/self", Http.Json("{\"name\":\"x\"}"))).AssertErrorAsync(HttpStatusCode.Forbidden);
        await (await reader.PostAsync("/v3/hooks", Http.Json("{\"target\":\"http://x.test/\",\"event\":\"fax_sent\"}"))).AssertErrorAsync(HttpStatusCode.Forbidden);
        await (await reader.DeleteAsync("/v3/accounts/self/faxes/abc")).AssertErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_fine_grained_webhook_scope_covers_only_webhooks()
    {
        var (account, _) = await factory.CreateAccountAsync();
        var hooksOnly = await factory.ClientForAsync(account.Id, "fax:webhook:edit");
        var created = await hooksOnly.PostAsync("/v3/hooks", Http.Json("{\"target\":\"http://x.test/\",\"event\":\"fax_sent\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hooksOnly.GetAsync("/v3/hooks?event=fax_sent")).StatusCode);
        await (await hooksOnly.GetAsync("/v3/accounts/self/faxes")).AssertErrorAsync(HttpStatusCode.Forbidden);
        await (await hooksOnly.PostAsync("/v3/accounts/self/outbox", Http.Json("{}"))).AssertErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_x_fax_clientid_header_is_accepted_but_not_required()
    {
        var (_, client) = await factory.CreateAccountAsync();
        client.DefaultRequestHeaders.Add("x-fax-clientid", "my-oauth-client");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v3/accounts/self")).StatusCode);
    }

    [Fact]
    public async Task A_member_cannot_act_on_another_user()
    {
        var (admin, _) = await factory.CreateAccountAsync();
        var (_, member) = await factory.CreateAccountAsync(AccountType.CorporateMember, admin.Id);
        await (await member.GetAsync($"/v3/accounts/{admin.Id}")).AssertErrorAsync(HttpStatusCode.Forbidden);
        await (await member.GetAsync("/v3/accounts")).AssertErrorAsync(HttpStatusCode.Forbidden);
        await (await member.GetAsync($"/v3/accounts/{admin.Id}/faxes")).AssertErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unknown_paths_under_v3_answer_with_the_error_shape()
    {
        var (_, client) = await factory.CreateAccountAsync();
        await (await client.GetAsync("/v3/no/such/route")).AssertErrorAsync(HttpStatusCode.NotFound);
    }
}
