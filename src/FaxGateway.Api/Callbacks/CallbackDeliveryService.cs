using System.Net.Http.Headers;
using FaxGateway.Core.Jobs;
using FaxGateway.Core.Model;
using FaxGateway.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxGateway.Api.Callbacks;

/// <summary>Wakes the callback worker when deliveries were stored.</summary>
public sealed class CallbackSignal
{
    public QueueSignal Signal { get; } = new();
}

/// <summary>
/// A face's own way to send some of its outbox deliveries (Twilio's <c>&lt;Receive action&gt;</c>: redirects re-signed
/// per hop, the number pair's cookies, credentials from the URL). Retries and persistence stay with the outbox.
/// </summary>
public interface ICallbackTransport
{
    /// <summary>Whether this transport sends <paramref name="delivery"/> (by its <see cref="CallbackDelivery.Source"/>).</summary>
    bool Handles(CallbackDelivery delivery);

    /// <summary>Sends the delivery once; null when the receiver answered 2xx, else why not (the outbox retries it).</summary>
    Task<string?> SendAsync(CallbackDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// Sends the persistent callback outbox (FAX.PLUS webhooks and any other face's callbacks): any 2xx is
/// delivered; anything else is retried with exponential back-off (first delay doubled per attempt, capped)
/// until the attempt budget is spent. Rows survive restarts, so delivery is at least once.
/// </summary>
public sealed partial class CallbackDeliveryService(
    ICallbackQueue queue,
    IHttpClientFactory httpClients,
    CallbackSignal signal,
    QueueSignal queueSignal,
    IOptions<ApiOptions> options,
    TimeProvider time,
    ILogger<CallbackDeliveryService> logger,
    Core.Metrics.FaxMetrics? metrics = null,
    IEnumerable<ICallbackTransport>? transports = null) : BackgroundService
{
    public const string HttpClientName = "faxgw.callbacks";

    private readonly ApiOptions _options = options.Value;
    private readonly ICallbackTransport[] _transports = [.. transports ?? []];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Woken by its own signal or the queue's (a job ended with callbacks), else it polls.
            var pulse = Task.WhenAny(signal.Signal.Current, queueSignal.Current);
            try
            {
                var sent = await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                if (sent > 0)
                {
                    continue;
                }

                var next = await queue.NextDueAsync(stoppingToken).ConfigureAwait(false);
                var wait = _options.CallbackPollInterval;
                if (next is { } due)
                {
                    var untilDue = due - time.GetUtcNow();
                    wait = untilDue < wait ? untilDue : wait;
                }

                await QueueSignal.WaitAsync(pulse, wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopError(logger, e);
                await QueueSignal.WaitAsync(pulse, _options.CallbackPollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends every due delivery once; returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var due = await queue.ListDueAsync(time.GetUtcNow(), 32, cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (delivery, ct) => await DeliverAsync(delivery, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return due.Count;
    }

    private async Task DeliverAsync(CallbackDelivery delivery, CancellationToken cancellationToken)
    {
        string error;
        var started = time.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.CallbackTimeout);
            var transport = Array.Find(_transports, t => t.Handles(delivery));
            var failure = transport is null
                ? await SendAsync(delivery, timeout.Token).ConfigureAwait(false)
                : await transport.SendAsync(delivery, timeout.Token).ConfigureAwait(false);
            if (failure is null)
            {
                await queue.MarkDeliveredAsync(delivery.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                LogDelivered(logger, delivery.Source, delivery.Id);
                metrics?.Delivery(KindLabel(delivery.Source), "delivered", time.GetElapsedTime(started));
                return;
            }

            error = failure;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            error = e is OperationCanceledException ? "timeout" : e.Message;
        }

        metrics?.Delivery(KindLabel(delivery.Source), "failed", time.GetElapsedTime(started));
        var attempts = delivery.Attempts + 1;
        DateTimeOffset? next = null;
        if (attempts < _options.CallbackMaxAttempts)
        {
            var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
            var delay = TimeSpan.FromTicks((long)Math.Min(_options.CallbackFirstDelay.Ticks * factor, _options.CallbackMaxDelay.Ticks));
            next = time.GetUtcNow() + delay;
        }

        await queue.MarkFailedAsync(delivery.Id, attempts, next, error, CancellationToken.None).ConfigureAwait(false);
        LogFailed(logger, delivery.Source, delivery.Id, attempts, error, next);
    }

    /// <summary>The plain sender: the stored URL, body and headers; null on a 2xx answer, else the status.</summary>
    private async Task<string?> SendAsync(CallbackDelivery delivery, CancellationToken cancellationToken)
    {
        // Userinfo and a fragment never go on the wire; a GET carries the form in the query instead of a body.
        var url = delivery.Url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        var get = delivery.Method == CallbackMethods.Get;
        if (get && delivery.Body.Length > 0)
        {
            url += (delivery.Url.Query.Length > 0 ? "&" : "?") + System.Text.Encoding.UTF8.GetString(delivery.Body);
        }

        using var request = new HttpRequestMessage(get ? HttpMethod.Get : HttpMethod.Post, new Uri(url));
        if (!get)
        {
            var content = new ByteArrayContent(delivery.Body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(delivery.ContentType);
            request.Content = content;
        }

        foreach (var (name, value) in delivery.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Callback {Source} {DeliveryId} delivered")]
    private static partial void LogDelivered(ILogger logger, string source, string deliveryId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Callback {Source} {DeliveryId} attempt {Attempt} failed ({Error}); next attempt {Next}")]
    private static partial void LogFailed(ILogger logger, string source, string deliveryId, int attempt, string error, DateTimeOffset? next);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Callback worker error")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    /// <summary>The delivery's kind as a bounded metric label (the event or callback name, never a URL).</summary>
    private static string KindLabel(string source) => source.Length is > 0 and <= 32 && source.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') ? source : "other";
}
