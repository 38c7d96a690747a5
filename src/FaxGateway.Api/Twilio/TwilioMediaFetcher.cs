using FaxGateway.Core.Twilio;

namespace FaxGateway.Api.Twilio;

/// <summary>Limits of a CreateFax MediaUrl download.</summary>
public sealed record TwilioMediaLimits
{
    /// <summary>Largest document accepted.</summary>
    public long MaxBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Connect 5 s, 15 s between packets, 120 s in total, one retry on connect failure (the URL's fragment may lower them).</summary>
    public ConnectionOverrides Timing { get; init; } = ConnectionOverrides.Default with { TotalTime = TimeSpan.FromSeconds(120) };
}

/// <summary>A document fetched from a MediaUrl, typed by its content (not by what the server claimed).</summary>
public sealed record FetchedMedia(string ContentType, string Extension, long Length, string? DeclaredContentType);

/// <summary>The MediaUrl could not be fetched or is not a fax document.</summary>
public sealed class TwilioMediaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TwilioMediaException(int errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception.</summary>
    public TwilioMediaException()
        : this(TwilioErrorCodes.MediaFetchFailure, "media fetch failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TwilioMediaException(string message)
        : this(TwilioErrorCodes.MediaFetchFailure, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TwilioMediaException(string message, Exception innerException)
        : this(TwilioErrorCodes.MediaFetchFailure, message, innerException)
    {
    }

    /// <summary>Twilio-style error code.</summary>
    public int ErrorCode { get; }
}

/// <summary>
/// Downloads the document of an outgoing fax from its MediaUrl like Twilio does (signed GET, redirects, limits) and
/// decides its type by sniffing the first bytes: web servers often label PDFs <c>application/octet-stream</c> and
/// error pages <c>200 text/html</c>.
/// </summary>
public sealed class TwilioMediaFetcher
{
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TwilioWebhookClient _client;
    private readonly TwilioMediaLimits _limits;

    /// <summary>Creates the fetcher.</summary>
    public TwilioMediaFetcher(TwilioWebhookClient client, TwilioMediaLimits limits)
    {
        _client = client;
        _limits = limits;
    }

    /// <summary>Copies the document into <paramref name="destination"/> (seekable, positioned at its start) and returns its sniffed type.</summary>
    public async Task<FetchedMedia> FetchAsync(string mediaUrl, TwilioCredentials account, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(destination);
        TwilioWebhookResponse response;
        try
        {
            response = await _client.SendAsync(
                new TwilioWebhookRequest
                {
                    Url = mediaUrl,
                    Method = TwimlMethod.Get,
                    AuthToken = account.AuthToken,
                    MaxResponseBytes = _limits.MaxBytes,
                    BodyDestination = destination,
                    Defaults = _limits.Timing,
                    Accept = "application/pdf, image/tiff, image/png, image/jpeg;q=0.8, */*;q=0.1",
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TwilioWebhookException ex)
        {
            throw new TwilioMediaException(ex.ErrorCode, "MediaUrl fetch failed: " + ex.Message, ex);
        }

        destination.Position = 0;
        var head = new byte[1024];
        var read = await destination.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        destination.Position = 0;
        var (type, extension) = Sniff(head.AsSpan(0, read))
            ?? throw new TwilioMediaException(
                TwilioErrorCodes.MediaFetchFailure,
                $"MediaUrl content is not a PDF, TIFF, PNG or JPEG document (server said {response.ContentType?.MediaType ?? "nothing"})");
        return new FetchedMedia(type, extension, response.BodyLength, response.ContentType?.MediaType);
    }

    /// <summary>The document type from its magic bytes, or null. PDF may follow some junk (readers accept %PDF- in the first 1024 bytes).</summary>
    public static (string ContentType, string Extension)? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return ("image/tiff", ".tif");
        }

        if (head.StartsWith(PngMagic))
        {
            return ("image/png", ".png");
        }

        if (head.StartsWith(JpegMagic))
        {
            return ("image/jpeg", ".jpg");
        }

        return head.IndexOf("%PDF-"u8) >= 0 ? ("application/pdf", ".pdf") : null;
    }
}
