using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FaxGateway.Api.Tests.Support;

internal static class Http
{
    public static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>
    /// A real one-page fax document (a bilevel TIFF, no Ghostscript needed): it converts, so its job stays
    /// queued in these tests, which run without lines. <see cref="Pdf"/> is only sniffed as a PDF and fails conversion.
    /// </summary>
    public static byte[] Tiff { get; } = MakeTiff();

    private static byte[] MakeTiff()
    {
        var page = new FaxGateway.Imaging.PageRaster(1728, 200, 204, 98);
        page.Row(100).Fill(0xF0);
        using var stream = new MemoryStream();
        FaxGateway.Imaging.TiffFax.Write(stream, [page], FaxGateway.Imaging.FaxCodingOptions.Mmr);
        return stream.ToArray();
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status and the FAX.PLUS error shape; returns the error code.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error").GetString();
        Assert.False(string.IsNullOrEmpty(error));
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("description").GetString()));
        return error!;
    }

    public static async Task<string> UploadAsync(this HttpClient client, byte[] content, string name = "doc.pdf", string user = "self")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "fax_file", name);
        var response = await client.PostAsync($"/v3/accounts/{user}/files", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("path").GetString()!;
    }
}
