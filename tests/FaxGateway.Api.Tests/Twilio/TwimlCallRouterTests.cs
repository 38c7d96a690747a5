using FaxGateway.Api.Twilio;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxGateway.Api.Tests.Twilio;

public sealed class TwimlCallRouterTests
{
    private const string Token = "fedcba9876543210fedcba9876543210";
    private static readonly TwilioCredentials Account = new("AC0123456789abcdef0123456789abcdef", Token);

    private static TwimlCallRouter NewRouter() => new(
        new TwilioWebhookClient(new HttpClient(TwilioWebhookClient.CreateHandler(TimeProvider.System)), TimeProvider.System),
        new TwilioWebhookSessions(TimeProvider.System),
        TwimlParserOptions.Default,
        NullLogger<TwimlCallRouter>.Instance);

    private static TwimlCall Call(string faxUrl, string? fallbackUrl = null, TwimlMethod method = TwimlMethod.Post) =>
        new("FX0123456789abcdef0123456789abcdef", Account, "+14155551234", "+14155554321", new TwilioNumberRouting(faxUrl, method, fallbackUrl));

    [Fact]
    public async Task Receive_from_the_fax_url()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) =>
            a.MapPost("/incoming", () => Results.Content("<Response><Receive action=\"done\" mediaType=\"image/tiff\"/></Response>", "text/xml")));

        var decision = Assert.IsType<TwimlRouteReceive>(await NewRouter().RouteAsync(Call(app.Url("/incoming")), CancellationToken.None));

        Assert.Equal(TwimlReceive.Tiff, decision.Receive.MediaType);
        Assert.Equal(new Uri(app.Url("/done")), decision.ActionUrl);
        var seen = Assert.Single(app.Requests);
        Assert.True(seen.SignatureValid);
        Assert.Equal(["AccountSid", "ApiVersion", "FaxSid", "From", "To"], seen.Form.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("v1", seen.FormValue("ApiVersion"));
    }

    [Fact]
    public async Task Reject_from_a_get_fax_url()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapGet("/incoming", () => "<Response><Reject/></Response>"));

        Assert.IsType<TwimlRouteReject>(await NewRouter().RouteAsync(Call(app.Url("/incoming"), method: TwimlMethod.Get), CancellationToken.None));
        Assert.Equal("GET", Assert.Single(app.Requests).Method);
    }

    [Theory]
    [InlineData("/broken500")]
    [InlineData("/malformed")]
    [InlineData("/empty")]
    [InlineData("/noverb")]
    public async Task Failing_fax_url_goes_to_the_fallback(string primary)
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) =>
        {
            a.MapPost("/broken500", () => Results.StatusCode(500));
            a.MapPost("/malformed", () => "<Response><Receive>");
            a.MapPost("/empty", () => Results.Ok());
            a.MapPost("/noverb", () => "<Response/>");
            a.MapPost("/fallback", () => "<Response><Receive/></Response>");
        });

        var decision = await NewRouter().RouteAsync(Call(app.Url(primary), app.Url("/fallback")), CancellationToken.None);

        Assert.IsType<TwimlRouteReceive>(decision);
        Assert.Equal(["/fallback"], app.Requests.Skip(1).Select(r => r.Path.Value));
        Assert.All(app.Requests, r => Assert.True(r.SignatureValid));
    }

    [Theory]
    [InlineData("/broken500", TwilioErrorCodes.HttpRetrievalFailure)]
    [InlineData("/malformed", TwilioErrorCodes.DocumentParseFailure)]
    [InlineData("/noverb", TwilioErrorCodes.NoFaxTwimlAction)]
    public async Task Fax_fails_with_the_primary_error_when_the_fallback_fails_too(string primary, int code)
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) =>
        {
            a.MapPost("/broken500", () => Results.StatusCode(500));
            a.MapPost("/malformed", () => "<Response><Receive>");
            a.MapPost("/noverb", () => "<Response/>");
            a.MapPost("/fallback", () => Results.StatusCode(404));
        });

        var fail = Assert.IsType<TwimlRouteFail>(await NewRouter().RouteAsync(Call(app.Url(primary), app.Url("/fallback")), CancellationToken.None));

        Assert.Equal(code, fail.ErrorCode);
        Assert.Contains("fallback", fail.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, app.Requests.Count);
    }

    [Fact]
    public async Task Without_fallback_a_failure_ends_the_fax()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapPost("/noverb", () => "<Response><Say>hi</Say></Response>"));

        var fail = Assert.IsType<TwimlRouteFail>(await NewRouter().RouteAsync(Call(app.Url("/noverb")), CancellationToken.None));

        Assert.Equal(TwilioErrorCodes.DocumentParseFailure, fail.ErrorCode);
    }

    [Fact]
    public async Task Action_callback_after_a_redirect_resolves_relative_to_the_final_url_and_shares_cookies()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) =>
        {
            a.MapPost("/incoming", () => Results.Redirect("/app/twiml", permanent: false, preserveMethod: true));
            a.MapPost("/app/twiml", (HttpContext c) =>
            {
                c.Response.Headers.Append("Set-Cookie", "fax=1; Path=/");
                return Results.Content("<Response><Receive action=\"received?step=2\" method=\"POST\"/></Response>", "application/xml");
            });
            a.MapPost("/app/received", () => Results.NoContent());
        });
        var router = NewRouter();
        var call = Call(app.Url("/incoming"));

        var route = Assert.IsType<TwimlRouteReceive>(await router.RouteAsync(call, CancellationToken.None));
        var outcome = new TwimlReceiveOutcome("received", 2, "ACME FAX", app.Url("/v1/Faxes/FX0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef"), null, null);
        Assert.True(await router.SendActionAsync(call, route, outcome, CancellationToken.None));

        var action = app.Requests.Last();
        Assert.Equal("/app/received", action.Path.Value);
        Assert.Equal("?step=2", action.Query);
        Assert.True(action.SignatureValid);
        Assert.Equal("fax=1", action.Headers["Cookie"]);
        Assert.Equal("received", action.FormValue("FaxStatus"));
        Assert.Equal("2", action.FormValue("NumPages"));
        Assert.Equal("ACME FAX", action.FormValue("RemoteStationId"));
        Assert.Equal(outcome.MediaUrl, action.FormValue("MediaUrl"));
        Assert.Null(action.FormValue("ErrorCode"));
    }

    [Fact]
    public async Task Failed_receive_reports_error_code_and_message_but_no_pages()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) =>
        {
            a.MapPost("/incoming", () => "<Response><Receive action=\"/done\" method=\"GET\"/></Response>");
            a.MapGet("/done", () => Results.StatusCode(500));
        });
        var router = NewRouter();
        var call = Call(app.Url("/incoming"));
        var route = Assert.IsType<TwimlRouteReceive>(await router.RouteAsync(call, CancellationToken.None));

        var delivered = await router.SendActionAsync(call, route, new TwimlReceiveOutcome("failed", null, null, null, TwilioErrorCodes.TransmissionError, "T.30 DCN"), CancellationToken.None);

        Assert.False(delivered);
        var action = app.Requests.Last();
        Assert.Equal("GET", action.Method);
        Assert.True(action.SignatureValid);
        Assert.Contains("FaxStatus=failed", action.Query, StringComparison.Ordinal);
        Assert.Contains("ErrorCode=34004", action.Query, StringComparison.Ordinal);
        Assert.Contains("ErrorMessage=T.30%20DCN", action.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("NumPages", action.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_action_means_no_callback()
    {
        var router = NewRouter();
        var call = Call("http://127.0.0.1:9/unused");
        Assert.False(await router.SendActionAsync(call, new TwimlRouteReceive(TwimlReceive.Default, new Uri("http://127.0.0.1:9/")), new TwimlReceiveOutcome("received", 1, null, null, null, null), CancellationToken.None));
    }
}
