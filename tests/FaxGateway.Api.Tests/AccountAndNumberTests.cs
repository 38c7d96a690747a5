using System.Net;
using FaxGateway.Api.Tests.Support;
using FaxGateway.Core.Model;

namespace FaxGateway.Api.Tests;

public sealed class AccountAndNumberTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Get_self_returns_every_required_account_field()
    {
        var (account, client) = await factory.CreateAccountAsync();
        var json = await (await client.GetAsync("/v3/accounts/self")).ReadJsonAsync();
        Assert.Equal(account.Id, json.GetProperty("uid").GetString());
        Assert.Equal(account.Email, json.GetProperty("email").GetString());
        Assert.Equal("corporate_admin", json.GetProperty("account_type").GetString());
        Assert.Equal("active", json.GetProperty("status").GetString());
        Assert.Equal("2026-11-22 12:00:00", json.GetProperty("creation_date").GetString());
    }

    [Fact]
    public async Task Put_account_updates_fields_and_keeps_profile_parts()
    {
        var (_, client) = await factory.CreateAccountAsync();
        var put = await client.PutAsync("/v3/accounts/self", Http.Json("""{"name":"Ada","lastname":"Lovelace","account_data":{"default_file_type":"tiff","company_name":"ACME"}}"""));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var json = await (await client.GetAsync("/v3/accounts/self")).ReadJsonAsync();
        Assert.Equal("Ada", json.GetProperty("name").GetString());
        Assert.Equal("Lovelace", json.GetProperty("lastname").GetString());
        Assert.Equal("ACME", json.GetProperty("account_data").GetProperty("company_name").GetString());
    }

    [Theory]
    [InlineData("{\"nickname\":\"x\"}")]
    [InlineData("{\"name\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"email\":\"not-an-address\"}")]
    public async Task Put_account_with_bad_input_is_400(string body)
    {
        var (_, client) = await factory.CreateAccountAsync();
        await (await client.PutAsync("/v3/accounts/self", Http.Json(body))).AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_admin_lists_and_manages_its_members_only()
    {
        var (admin, adminClient) = await factory.CreateAccountAsync();
        var (member, _) = await factory.CreateAccountAsync(AccountType.CorporateMember, admin.Id);
        var (stranger, _) = await factory.CreateAccountAsync(AccountType.Individual);

        var list = await (await adminClient.GetAsync("/v3/accounts")).ReadJsonAsync();
        var uids = list.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("uid").GetString()).ToList();
        Assert.Equal([member.Id], uids);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync($"/v3/accounts/{member.Id}")).StatusCode);
        await (await adminClient.GetAsync($"/v3/accounts/{stranger.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.PutAsync($"/v3/accounts/self/member-details/{member.Id}", Http.Json("{\"quota\":100,\"role\":\"user\"}"))).StatusCode);
        var detail = await (await adminClient.GetAsync($"/v3/accounts/self/member-details/{member.Id}")).ReadJsonAsync();
        Assert.Equal(100, detail.GetProperty("quota").GetInt32());
        Assert.Equal("user", detail.GetProperty("role").GetString());
        await (await adminClient.GetAsync($"/v3/accounts/self/member-details/{stranger.Id}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await adminClient.PutAsync($"/v3/accounts/self/member-details/{member.Id}", Http.Json("{\"quota\":-1}"))).AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_individual_cannot_list_members()
    {
        var (_, client) = await factory.CreateAccountAsync(AccountType.Individual);
        await (await client.GetAsync("/v3/accounts")).AssertErrorAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/v3/accounts/self/member-details/abc")).AssertErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Numbers_list_get_assign_and_revoke()
    {
        var (admin, adminClient) = await factory.CreateAccountAsync();
        var (member, memberClient) = await factory.CreateAccountAsync(AccountType.CorporateMember, admin.Id);
        var number = "+4144" + Random.Shared.Next(1000000, 9999999);
        await factory.AddNumberAsync(admin.Id, number);

        var list = await (await adminClient.GetAsync("/v3/accounts/self/numbers")).ReadJsonAsync();
        var entry = Assert.Single(list.GetProperty("numbers").EnumerateArray());
        Assert.Equal(number, entry.GetProperty("number").GetString());
        Assert.Equal(admin.Id, entry.GetProperty("owner_id").GetString());
        Assert.Equal("active", entry.GetProperty("status").GetString());
        Assert.Equal(0, entry.GetProperty("assigned_to").GetArrayLength());

        var escaped = Uri.EscapeDataString(number);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync($"/v3/accounts/self/numbers/{escaped}")).StatusCode);
        Assert.Empty((await (await memberClient.GetAsync("/v3/accounts/self/numbers")).ReadJsonAsync()).GetProperty("numbers").EnumerateArray());

        var assign = await adminClient.PutAsync($"/v3/accounts/self/numbers/{escaped}", Http.Json($"{{\"assigned_to\":\"{member.Id}\"}}"));
        Assert.Equal(HttpStatusCode.NoContent, assign.StatusCode);
        Assert.Single((await (await memberClient.GetAsync("/v3/accounts/self/numbers")).ReadJsonAsync()).GetProperty("numbers").EnumerateArray());

        await (await adminClient.DeleteAsync($"/v3/accounts/self/numbers/{escaped}")).AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.DeleteAsync($"/v3/accounts/{member.Id}/numbers/{escaped}")).StatusCode);
        Assert.Empty((await (await memberClient.GetAsync("/v3/accounts/self/numbers")).ReadJsonAsync()).GetProperty("numbers").EnumerateArray());
    }

    [Fact]
    public async Task Number_errors_are_400_404_and_isolated()
    {
        var (admin, adminClient) = await factory.CreateAccountAsync();
        var (_, other) = await factory.CreateAccountAsync();
        var number = "+4143" + Random.Shared.Next(1000000, 9999999);
        await factory.AddNumberAsync(admin.Id, number);
        var escaped = Uri.EscapeDataString(number);
        await (await adminClient.GetAsync("/v3/accounts/self/numbers/not-a-number")).AssertErrorAsync(HttpStatusCode.BadRequest);
        await (await adminClient.GetAsync("/v3/accounts/self/numbers/%2B41000000000")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/v3/accounts/self/numbers/{escaped}")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await other.PutAsync($"/v3/accounts/self/numbers/{escaped}", Http.Json("{\"assigned_to\":\"x\"}"))).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await adminClient.PutAsync($"/v3/accounts/self/numbers/{escaped}", Http.Json("{}"))).AssertErrorAsync(HttpStatusCode.BadRequest);
        await (await adminClient.PutAsync($"/v3/accounts/self/numbers/{escaped}", Http.Json("{\"assigned_to\":\"nobody\"}"))).AssertErrorAsync(HttpStatusCode.NotFound);
    }
}
