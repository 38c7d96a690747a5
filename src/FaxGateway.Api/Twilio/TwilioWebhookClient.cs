using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using FaxGateway.Core.Twilio;

namespace FaxGateway.Api.Twilio;

/// <summary>
/// The gateway as an HTTP client that behaves like Twilio (spec twiml-fax.md section 6): form POST or GET, every hop
/// signed with X-Twilio-Signature, redirects followed like a browser (re-signed per hop), cookies kept in the session,
/// credentials from the URL's userinfo sent after a 401 challenge, connect/read/total time limits and retries from the
/// URL's <c>#fragment</c>, answer size capped while it streams.
/// </summary>
public sealed class TwilioWebhookClient
{
    /// <summary>Name of the client registered with IHttpClientFactory.</summary>
    public const string HttpClientName = "faxgw-twilio";

    /// <summary>Sent with every request (spec 5.6: requests must carry a User-Agent).</summary>
    public const string UserAgent = "FaxGateway-TwilioProxy/1.0";

    /// <summary>Browsers stop around 20; Twilio's spec says about 10.</summary>
    public const int MaxRedirects = 10;

    private static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutOption = new("faxgw.twilio.connect-timeout");

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <summary>Creates the client over an HttpClient whose handler is <see cref="CreateHandler"/>.</summary>
    public TwilioWebhookClient(HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _time = time;

        // Our own limits govern; HttpClient's 100 s default must not cut a media download short.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>
    /// The primary handler: no automatic redirects (each hop is re-signed here), no automatic cookies (the session's
    /// jar is used), and a connect step that honours the per-request connect timeout.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),

            // A refused (oversized or stalled) answer is not drained for connection reuse: the connection is dropped.
            MaxResponseDrainSize = 0,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context, time, cancellationToken),
        };
    }

    /// <summary>Sends the request; returns the 2xx answer or throws <see cref="TwilioWebhookException"/>.</summary>
    public async Task<TwilioWebhookResponse> SendAsync(TwilioWebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hash = request.Url.IndexOf('#', StringComparison.Ordinal);
        var limits = hash < 0
            ? request.Defaults ?? ConnectionOverrides.Default
            : ConnectionOverrides.Parse(request.Url[(hash + 1)..], request.Defaults ?? ConnectionOverrides.Default);
        var (target, userInfo) = Prepare(request);
        var session = request.Session ?? new TwilioWebhookSession();

        using var total = new CancellationTokenSource(limits.TotalTime, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
        var retriesLeft = limits.RetryCount;
        while (true)
        {
            var destinationStart = request.BodyDestination is { CanSeek: true } d ? d.Position : 0;
            try
            {
                return await SendOnceAsync(request, target, userInfo, session, limits, linked.Token).ConfigureAwait(false);
            }
            catch (TwilioWebhookException ex) when (retriesLeft > 0 && IsRetried(ex, limits.RetryPolicy) && !linked.IsCancellationRequested
                && (request.BodyDestination is null || request.BodyDestination.CanSeek))
            {
                retriesLeft--;
                if (request.BodyDestination is { } destination)
                {
                    destination.SetLength(destinationStart);
                    destination.Position = destinationStart;
                }
            }
            catch (OperationCanceledException ex) when (total.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TwilioWebhookException(
                    TwilioWebhookFailure.TotalTimeout,
                    $"{Redact(target)}: no answer within the total time of {limits.TotalTime.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms",
                    innerException: ex);
            }
        }
    }

    /// <summary>The URL exactly as it goes on the wire (no userinfo, no fragment, GET parameters appended): what is signed.</summary>
    public static string WireUrl(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
    }

    internal static (Uri Target, string? UserInfo) Prepare(TwilioWebhookRequest request)
    {
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var configured) || (configured.Scheme != Uri.UriSchemeHttp && configured.Scheme != Uri.UriSchemeHttps))
        {
            throw new TwilioWebhookException(TwilioWebhookFailure.InvalidUrl, $"'{request.Url}' is not an absolute http(s) URL");
        }

        var userInfo = string.IsNullOrEmpty(configured.UserInfo) ? null : Uri.UnescapeDataString(configured.UserInfo);
        var wire = new StringBuilder(WireUrl(configured));
        if (request.Method == TwimlMethod.Get && request.Parameters.Count > 0)
        {
            var separator = configured.Query.Length > 0 ? '&' : '?';
            foreach (var (name, value) in request.Parameters)
            {
                wire.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
                separator = '&';
            }
        }

        return (new Uri(wire.ToString()), userInfo);
    }

    private static bool IsRetried(TwilioWebhookException ex, WebhookRetryPolicy policy) => ex.Failure switch
    {
        TwilioWebhookFailure.Connect => policy.HasFlag(WebhookRetryPolicy.ConnectFailure),
        TwilioWebhookFailure.ReadTimeout => policy.HasFlag(WebhookRetryPolicy.ReadTimeout),
        TwilioWebhookFailure.HttpStatus when ex.StatusCode is >= 400 and < 500 => policy.HasFlag(WebhookRetryPolicy.ClientError),
        TwilioWebhookFailure.HttpStatus when ex.StatusCode is >= 500 => policy.HasFlag(WebhookRetryPolicy.ServerError),
        _ => false,
    };

    private async Task<TwilioWebhookResponse> SendOnceAsync(
        TwilioWebhookRequest request, Uri target, string? userInfo, TwilioWebhookSession session, ConnectionOverrides limits, CancellationToken cancellationToken)
    {
        var current = target;
        var method = request.Method;
        var challenged = false;
        for (var hop = 0; ; hop++)
        {
            using var watchdog = new ReadWatchdog(_time, limits.ReadTimeout, cancellationToken);
            using var message = BuildMessage(request, current, method, session, limits);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, watchdog.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
            {
                throw new TwilioWebhookException(TwilioWebhookFailure.Connect, $"{Redact(current)}: cannot connect: {ex.Message}", innerException: ex);
            }
            catch (HttpRequestException ex)
            {
                throw new TwilioWebhookException(TwilioWebhookFailure.HttpStatus, $"{Redact(current)}: bad HTTP answer: {ex.Message}", innerException: ex);
            }
            catch (OperationCanceledException ex) when (watchdog.Fired)
            {
                throw new TwilioWebhookException(TwilioWebhookFailure.ReadTimeout, $"{Redact(current)}: no answer within the read timeout", innerException: ex);
            }

            using (response)
            {
                StoreCookies(session, current, response);
                var status = (int)response.StatusCode;

                // HTTP authentication (spec 6.5): first without, then with the URL's credentials once challenged
                // (Digest when offered, else Basic), and with them for the rest of the session.
                if (status == 401 && userInfo is not null && !challenged && HttpDigest.Credentials(response, userInfo) is { } credentials)
                {
                    challenged = true;
                    session.RememberCredentials(current, credentials);
                    hop--;
                    continue;
                }

                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new TwilioWebhookException(TwilioWebhookFailure.Redirect, $"{Redact(target)}: more than {MaxRedirects} redirects");
                    }

                    current = RedirectTarget(current, response);

                    // Browser behaviour: 301/302/303 after POST continue as GET without body; 307/308 keep method and body.
                    if (status is 301 or 302 or 303)
                    {
                        method = TwimlMethod.Get;
                    }

                    continue;
                }

                if (status is < 200 or > 299)
                {
                    throw new TwilioWebhookException(TwilioWebhookFailure.HttpStatus, $"{Redact(current)}: HTTP {status.ToString(CultureInfo.InvariantCulture)}", status);
                }

                if (!request.ReadBody)
                {
                    return new TwilioWebhookResponse(response.StatusCode, response.Content.Headers.ContentType, [], 0, current);
                }

                var (body, length) = await ReadBodyAsync(request, current, response, watchdog).ConfigureAwait(false);
                return new TwilioWebhookResponse(response.StatusCode, response.Content.Headers.ContentType, body, length, current);
            }
        }
    }

    private HttpRequestMessage BuildMessage(TwilioWebhookRequest request, Uri current, TwimlMethod method, TwilioWebhookSession session, ConnectionOverrides limits)
    {
        // The original parameters travel in the body only while the method is still POST (they are already in the
        // query of a GET target); a redirect that turned POST into GET drops them, as a browser does.
        var formParameters = method == TwimlMethod.Post && request.Method == TwimlMethod.Post ? request.Parameters : null;
        var message = new HttpRequestMessage(method == TwimlMethod.Post ? HttpMethod.Post : HttpMethod.Get, current);
        if (formParameters is not null)
        {
            message.Content = new FormUrlEncodedContent(formParameters);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };
        }

        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        message.Headers.TryAddWithoutValidation(TwilioSignature.HeaderName, TwilioSignature.Compute(request.AuthToken, WireUrl(current), formParameters));
        var cookies = session.Cookies.GetCookieHeader(current);
        if (cookies.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("Cookie", cookies);
        }

        if (session.AuthorizationFor(message.Method, current) is { } credentials)
        {
            message.Headers.Authorization = credentials;
        }

        message.Options.Set(ConnectTimeoutOption, limits.ConnectTimeout);
        return message;
    }

    private static async Task<(byte[] Body, long Length)> ReadBodyAsync(TwilioWebhookRequest request, Uri current, HttpResponseMessage response, ReadWatchdog watchdog)
    {
        if (response.Content.Headers.ContentLength > request.MaxResponseBytes)
        {
            throw TooLarge(current, request.MaxResponseBytes);
        }

        using var buffered = request.BodyDestination is null ? new MemoryStream() : null;
        var destination = request.BodyDestination ?? buffered!;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long length = 0;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(watchdog.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, watchdog.Token).ConfigureAwait(false)) > 0)
                {
                    // The read timeout is between packets: every chunk restarts it.
                    watchdog.Kick();
                    length += read;
                    if (length > request.MaxResponseBytes)
                    {
                        throw TooLarge(current, request.MaxResponseBytes);
                    }

                    await destination.WriteAsync(chunk.AsMemory(0, read), watchdog.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException ex) when (watchdog.Fired)
        {
            throw new TwilioWebhookException(TwilioWebhookFailure.ReadTimeout, $"{Redact(current)}: answer stalled longer than the read timeout", innerException: ex);
        }
        catch (IOException ex)
        {
            throw new TwilioWebhookException(TwilioWebhookFailure.HttpStatus, $"{Redact(current)}: answer broken off: {ex.Message}", innerException: ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffered?.ToArray() ?? [], length);
    }

    private static TwilioWebhookException TooLarge(Uri current, long max) =>
        new(TwilioWebhookFailure.TooLarge, $"{Redact(current)}: answer larger than {max.ToString(CultureInfo.InvariantCulture)} bytes");

    private static Uri RedirectTarget(Uri current, HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null || !Uri.TryCreate(current, location, out var next) || (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps))
        {
            throw new TwilioWebhookException(TwilioWebhookFailure.Redirect, $"{Redact(current)}: redirect without a usable http(s) Location");
        }

        // A fragment in Location is not sent (and not signed); userinfo there is ignored.
        return new Uri(WireUrl(next));
    }

    private static void StoreCookies(TwilioWebhookSession session, Uri uri, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            try
            {
                session.Cookies.SetCookies(uri, value);
            }
            catch (CookieException)
            {
                // A browser ignores a cookie it cannot parse; so do we.
            }
        }
    }

    /// <summary>The URL for logs and errors: the path, but not the query (it may carry tokens) nor the userinfo.</summary>
    private static string Redact(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutOption, out var t) ? t : ConnectionOverrides.Default.ConnectTimeout;
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, linked.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port.ToString(CultureInfo.InvariantCulture)} timed out");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Cancels when no progress was made for the read timeout; <see cref="Kick"/> restarts it after each packet.</summary>
    private sealed class ReadWatchdog : IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly ITimer _timer;
        private readonly TimeSpan _timeout;
        private volatile bool _fired;

        public ReadWatchdog(TimeProvider time, TimeSpan timeout, CancellationToken outer)
        {
            _timeout = timeout;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
            _timer = time.CreateTimer(static state => ((ReadWatchdog)state!).Fire(), this, timeout, Timeout.InfiniteTimeSpan);
        }

        public bool Fired => _fired;

        public CancellationToken Token => _cts.Token;

        public void Kick() => _timer.Change(_timeout, Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _timer.Dispose();
            _cts.Dispose();
        }

        private void Fire()
        {
            _fired = true;
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The request finished while the timer fired.
            }
        }
    }
}
