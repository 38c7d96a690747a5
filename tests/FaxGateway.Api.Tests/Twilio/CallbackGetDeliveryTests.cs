using FaxGateway.Api.Callbacks;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.Tests.Twilio;

/// <summary>
/// The outbox's plain sender (deliveries no face's transport claims) honours a delivery's method: a GET carries the
/// form-encoded body in the query and no body, with the stored headers (a signature over the URL as sent).
/// </summary>
public sealed class CallbackGetDeliveryTests
{
    [Fact]
    public async Task Get_delivery_appends_its_form_to_the_query_and_sends_no_body()
    {
        using var factory = new TwilioGatewayFactory();
        var account = await factory.CreateAccountAsync();
        await using var app = await LocalWebApp.StartAsync(account.Twilio.AuthToken, (a, _) => a.MapGet("/hook", () => Results.NoContent()));
        KeyValuePair<string, string>[] parameters = [new("FaxStatus", "received"), new("ErrorMessage", "a b+c")];
        var url = app.Url("/hook?step=2");
        var wire = url + "&FaxStatus=received&ErrorMessage=a+b%2Bc";
        var now = factory.Time.GetUtcNow();
        await factory.Get<ICallbackQueue>().EnqueueAsync(
        [
            new CallbackDelivery
            {
                Id = FaxIds.NewLong(),
                AccountId = account.Account.Id,
                Source = "test.get",
                Url = new Uri(url),
                Method = CallbackMethods.Get,
                ContentType = "application/x-www-form-urlencoded; charset=utf-8",
                Body = Api.Twilio.TwilioStatusCallbacks.FormBody(parameters),
                Headers = new Dictionary<string, string> { [TwilioSignature.HeaderName] = TwilioSignature.Compute(account.Twilio.AuthToken, wire, null) },
                NextAttemptAt = now,
                CreatedAt = now,
            },
        ], CancellationToken.None);

        Assert.Equal(1, await factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));

        var request = Assert.Single(app.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("?step=2&FaxStatus=received&ErrorMessage=a+b%2Bc", request.Query);
        Assert.Empty(request.Form);
        Assert.True(request.SignatureValid);
        Assert.Equal(0, await factory.Get<CallbackDeliveryService>().DeliverDueAsync(CancellationToken.None));
    }
}
