using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FaxGateway.Api.Tests.Support;

internal static class Http
{
    /// <summary>
    /// A valid one-page A4 PDF (a black bar): it converts, so an outbox entry made from it stays queued in these
    /// tests, which run without lines. (A page-less PDF failed conversion at once and raced the assertions.)
    /// </summary>
    public static readonly byte[] Pdf = MakePdf();

    private static byte[] MakePdf()
    {
        const string content = "72 700 300 40 re f";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>
    /// A real one-page fax document (a bilevel TIFF, no Ghostscript needed): it converts, so its job stays
    /// queued in these tests, which run without lines, without needing Ghostscript.
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
