using System.Text;
using FaxGateway.Api.Twilio;
using FaxGateway.Core.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaxGateway.Api.Tests.Twilio;

public sealed class TwilioMediaFetcherTests
{
    private const string Token = "aaaabbbbccccddddaaaabbbbccccdddd";
    private static readonly TwilioCredentials Account = new("AC" + new string('1', 32), Token);

    private static TwilioMediaFetcher NewFetcher(long maxBytes = 1024 * 1024) => new(
        new TwilioWebhookClient(new HttpClient(TwilioWebhookClient.CreateHandler(TimeProvider.System)), TimeProvider.System),
        new TwilioMediaLimits { MaxBytes = maxBytes });

    [Theory]
    [InlineData("%PDF-1.4\n%junk", "application/pdf")]
    [InlineData("\n\n%PDF-1.7", "application/pdf")]
    [InlineData("II*\0rest", "image/tiff")]
    [InlineData("MM\0*rest", "image/tiff")]
    public void Sniffs_documents_by_content(string head, string type)
    {
        Assert.Equal(type, TwilioMediaFetcher.Sniff(Encoding.Latin1.GetBytes(head))?.ContentType);
    }

    [Fact]
    public void Sniffs_images_and_refuses_html()
    {
        Assert.Equal("image/png", TwilioMediaFetcher.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0])?.ContentType);
        Assert.Equal("image/jpeg", TwilioMediaFetcher.Sniff([0xFF, 0xD8, 0xFF, 0xE0])?.ContentType);
        Assert.Null(TwilioMediaFetcher.Sniff("<html>404</html>"u8));
        Assert.Null(TwilioMediaFetcher.Sniff([]));
    }

    [Fact]
    public async Task Fetches_a_pdf_labelled_octet_stream_with_a_signed_get()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapGet("/doc", () => Results.Bytes(pdf, "application/octet-stream")));
        using var destination = new MemoryStream();

        var media = await NewFetcher().FetchAsync(app.Url("/doc?id=5"), Account, destination, CancellationToken.None);

        Assert.Equal("application/pdf", media.ContentType);
        Assert.Equal("application/octet-stream", media.DeclaredContentType);
        Assert.Equal(pdf.Length, media.Length);
        Assert.Equal(pdf, destination.ToArray());
        Assert.Equal(0, destination.Position);
        Assert.True(Assert.Single(app.Requests).SignatureValid);
    }

    [Fact]
    public async Task Html_error_page_is_refused()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapGet("/doc", () => Results.Content("<html>oops</html>", "text/html")));

        var ex = await Assert.ThrowsAsync<TwilioMediaException>(() => NewFetcher().FetchAsync(app.Url("/doc"), Account, new MemoryStream(), CancellationToken.None));
        Assert.Contains("text/html", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_document_is_refused()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapGet("/doc", async (HttpContext c) =>
        {
            try
            {
                await c.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('x', 64 * 1024)), c.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client hung up.
            }
        }));

        var ex = await Assert.ThrowsAsync<TwilioMediaException>(() => NewFetcher(maxBytes: 4096).FetchAsync(app.Url("/doc"), Account, new MemoryStream(), CancellationToken.None));
        Assert.Equal(TwilioErrorCodes.ResponseBodyTooLarge, ex.ErrorCode);
    }

    [Fact]
    public async Task Missing_document_is_a_retrieval_failure()
    {
        await using var app = await LocalWebApp.StartAsync(Token, (a, _) => a.MapGet("/doc", () => Results.NotFound()));

        var ex = await Assert.ThrowsAsync<TwilioMediaException>(() => NewFetcher().FetchAsync(app.Url("/doc"), Account, new MemoryStream(), CancellationToken.None));
        Assert.Equal(TwilioErrorCodes.HttpRetrievalFailure, ex.ErrorCode);
    }
}
