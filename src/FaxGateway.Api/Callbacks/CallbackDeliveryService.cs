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
    Core.Metrics.FaxMetrics? metrics = null) : BackgroundService
{
    public const string HttpClientName = "faxgw.callbacks";

    private readonly ApiOptions _options = options.Value;

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
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url);
            var content = new ByteArrayContent(delivery.Body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(delivery.ContentType);
            request.Content = content;
            foreach (var (name, value) in delivery.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                await queue.MarkDeliveredAsync(delivery.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                LogDelivered(logger, delivery.Source, delivery.Id, (int)response.StatusCode);
                metrics?.Delivery(KindLabel(delivery.Source), "delivered", time.GetElapsedTime(started));
                return;
            }

            error = $"HTTP {(int)response.StatusCode}";
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

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Callback {Source} {DeliveryId} delivered: HTTP {Status}")]
    private static partial void LogDelivered(ILogger logger, string source, string deliveryId, int status);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Callback {Source} {DeliveryId} attempt {Attempt} failed ({Error}); next attempt {Next}")]
    private static partial void LogFailed(ILogger logger, string source, string deliveryId, int attempt, string error, DateTimeOffset? next);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Callback worker error")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    /// <summary>The delivery's kind as a bounded metric label (the event or callback name, never a URL).</summary>
    private static string KindLabel(string source) => source.Length is > 0 and <= 32 && source.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') ? source : "other";
}
