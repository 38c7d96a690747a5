using System.CommandLine;
using FaxGateway.Api.Twilio;
using FaxGateway.Core;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using FaxGateway.Core.Twilio;
using FaxGateway.Hosting;
using FaxGateway.Storage;
using FaxGateway.Storage.Twilio;

namespace FaxGateway.Cli;

/// <summary>
/// <c>faxgw number set NUMBER --data DIR --fax-url URL [--fax-method GET|POST] [--fallback-url URL] [--fallback-method GET|POST]</c>:
/// routes the number's incoming faxes through a TwiML app (Twilio's voice_receive_mode=fax with voice_url).
/// A number the gateway does not know yet is registered for the account. <c>--fax-url ""</c> removes the routing.
/// </summary>
internal static class NumberCommand
{
    public static Command Create()
    {
        var number = new Argument<string>("NUMBER") { Description = "The fax number, E.164 (e.g. +41441234567)" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data folder of the daemon" };
        var account = new Option<string>("--account") { Description = "Account uid that owns a newly registered number, or 'self'", DefaultValueFactory = _ => "self" };
        var faxUrl = new Option<string>("--fax-url") { Description = "URL asked for TwiML (<Receive>/<Reject>) on each incoming call", Required = true };
        var faxMethod = new Option<string>("--fax-method") { Description = "GET or POST", DefaultValueFactory = _ => "POST" };
        var fallbackUrl = new Option<string?>("--fallback-url") { Description = "URL asked when the fax URL fails" };
        var fallbackMethod = new Option<string>("--fallback-method") { Description = "GET or POST", DefaultValueFactory = _ => "POST" };
        var set = new Command("set", "Set the TwiML routing of a number") { number, data, account, faxUrl, faxMethod, fallbackUrl, fallbackMethod };
        set.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!PhoneNumbers.TryNormalize(parse.GetValue(number), out var normalized))
            {
                await error.WriteLineAsync($"faxgw number: '{parse.GetValue(number)}' is not a phone number (E.164 such as +41441234567).").ConfigureAwait(false);
                return 2;
            }

            var url = parse.GetValue(faxUrl) ?? "";
            var fallback = parse.GetValue(fallbackUrl);
            if ((url.Length > 0 && !TwilioUrls.IsHttpUrl(url)) || (!string.IsNullOrEmpty(fallback) && !TwilioUrls.IsHttpUrl(fallback)))
            {
                await error.WriteLineAsync("faxgw number: --fax-url and --fallback-url must be absolute http(s) URLs.").ConfigureAwait(false);
                return 2;
            }

            if (!TwilioUrls.TryParseMethod(parse.GetValue(faxMethod), out var method) || !TwilioUrls.TryParseMethod(parse.GetValue(fallbackMethod), out var fallbackVerb))
            {
                await error.WriteLineAsync("faxgw number: --fax-method and --fallback-method must be GET or POST.").ConfigureAwait(false);
                return 2;
            }

            var directory = parse.GetValue(data)?.FullName ?? DaemonSettings.DefaultDataDirectory();
            await using var provider = await TwilioCommand.OpenStorageAsync(directory, cancellationToken).ConfigureAwait(false);
            var twilio = provider.GetRequiredService<ITwilioRepository>();
            var time = provider.GetRequiredService<TimeProvider>();
            if (url.Length == 0)
            {
                await twilio.DeleteNumberAsync(normalized, cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{normalized}: TwiML routing removed").ConfigureAwait(false);
                return 0;
            }

            var numbers = provider.GetRequiredService<INumberRepository>();
            if (await numbers.GetByNumberAsync(normalized, cancellationToken).ConfigureAwait(false) is null)
            {
                var owner = await TwilioCommand.ResolveAccountAsync(provider, parse.GetValue(account) ?? "self", cancellationToken).ConfigureAwait(false);
                if (owner is null)
                {
                    await error.WriteLineAsync($"faxgw number: no account '{parse.GetValue(account)}' in {directory}.").ConfigureAwait(false);
                    return 2;
                }

                await numbers.UpsertAsync(new FaxNumber { Id = FaxIds.NewShort(), Number = normalized, OwnerId = owner.Id, AcquiredAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            }

            await twilio.UpsertNumberAsync(new TwilioNumberConfig
            {
                Number = normalized,
                Routing = new TwilioNumberRouting(url, method, string.IsNullOrEmpty(fallback) ? null : fallback, fallbackVerb),
                UpdatedAt = time.GetUtcNow(),
            }, cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"{normalized}: fax URL {(method == TwimlMethod.Get ? "GET" : "POST")} {url}" + (string.IsNullOrEmpty(fallback) ? "" : $", fallback {(fallbackVerb == TwimlMethod.Get ? "GET" : "POST")} {fallback}")).ConfigureAwait(false);
            return 0;
        });
        return new Command("number", "Configure fax numbers") { set };
    }
}
