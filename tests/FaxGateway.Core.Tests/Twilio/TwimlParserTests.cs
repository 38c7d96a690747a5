using System.Text;
using FaxGateway.Core.Twilio;

namespace FaxGateway.Core.Tests.Twilio;

public sealed class TwimlParserTests
{
    [Theory]
    [InlineData("<Response><Receive/></Response>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  <Receive></Receive>\n</Response>\n")]
    [InlineData("<Response><!-- hello --><Receive unknownAttribute=\"x\"/></Response>")]
    public void Plain_receive_has_the_defaults(string xml)
    {
        Assert.Equal(TwimlReceive.Default, TwimlParser.Parse(xml));
    }

    [Fact]
    public void Receive_attributes_are_read()
    {
        var receive = Assert.IsType<TwimlReceive>(TwimlParser.Parse(
            "<Response><Receive action=\"/fax/received\" method=\"GET\" mediaType=\"image/tiff\" pageSize=\"a4\" storeMedia=\"false\"/></Response>"));

        Assert.Equal(new TwimlReceive("/fax/received", TwimlMethod.Get, TwimlReceive.Tiff, TwimlPageSize.A4, StoreMedia: false), receive);
        Assert.Equal(new Uri("https://app.example/fax/received"), receive.ResolveAction(new Uri("https://app.example/twiml/incoming?x=1")));
        Assert.Equal(new Uri("https://other.example/done"), (receive with { Action = "https://other.example/done" }).ResolveAction(new Uri("https://app.example/")));
        Assert.Null(TwimlReceive.Default.ResolveAction(new Uri("https://app.example/")));
    }

    [Fact]
    public void Action_that_is_not_http_is_refused()
    {
        var receive = TwimlReceive.Default with { Action = "file:///etc/passwd" };
        Assert.Equal(TwilioErrorCodes.DocumentParseFailure, Assert.Throws<TwimlException>(() => receive.ResolveAction(new Uri("https://app.example/"))).ErrorCode);
    }

    [Theory]
    [InlineData("<Response><Reject/></Response>", null)]
    [InlineData("<Response><Reject reason=\"busy\"></Reject></Response>", "busy")]
    public void Reject_is_read(string xml, string? reason)
    {
        Assert.Equal(new TwimlReject(reason), TwimlParser.Parse(xml));
    }

    [Fact]
    public void First_fax_verb_wins()
    {
        Assert.IsType<TwimlReject>(TwimlParser.Parse("<Response><Reject/><Receive/></Response>"));
        Assert.IsType<TwimlReceive>(TwimlParser.Parse("<Response><Receive/><Reject/></Response>"));
    }

    [Theory]
    [InlineData("<Response></Response>")]
    [InlineData("<Response/>")]
    public void Valid_document_without_a_verb_is_34106(string xml)
    {
        Assert.Equal(TwilioErrorCodes.NoFaxTwimlAction, Assert.Throws<TwimlException>(() => TwimlParser.Parse(xml)).ErrorCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<Response><Receive></Response>")]
    [InlineData("<Response><Receive/>")]
    [InlineData("<Response><Receive/></Response><Response/>")]
    [InlineData("<Response><Receive/></Response>garbage")]
    [InlineData("not xml at all")]
    [InlineData("<html><body>Internal Server Error</body></html>")]
    [InlineData("<response><receive/></response>")]
    [InlineData("<Response><Say>hello</Say></Response>")]
    [InlineData("<Response><Say>hello</Say><Receive/></Response>")]
    [InlineData("<Response><Receive><Pause/></Receive></Response>")]
    [InlineData("<Response xmlns=\"urn:other\"><Receive/></Response>")]
    [InlineData("<Response>text<Receive/></Response>")]
    [InlineData("<Response><Receive method=\"PUT\"/></Response>")]
    [InlineData("<Response><Receive mediaType=\"text/plain\"/></Response>")]
    [InlineData("<Response><Receive pageSize=\"a3\"/></Response>")]
    [InlineData("<Response><Receive storeMedia=\"yes\"/></Response>")]
    public void Malformed_or_invalid_documents_are_parse_failures(string xml)
    {
        var ex = Assert.Throws<TwimlException>(() => TwimlParser.Parse(xml));
        Assert.Equal(TwilioErrorCodes.DocumentParseFailure, ex.ErrorCode);
    }

    [Fact]
    public void Lenient_attributes_fall_back_to_defaults_with_a_warning()
    {
        var warnings = new List<string>();
        var options = new TwimlParserOptions { LenientAttributes = true, OnWarning = warnings.Add };

        var receive = TwimlParser.Parse("<Response><Receive method=\"PUT\" pageSize=\"a3\" storeMedia=\"false\"/></Response>", options);

        Assert.Equal(TwimlReceive.Default with { StoreMedia = false }, receive);
        Assert.Equal(2, warnings.Count);
    }

    [Fact]
    public void External_entity_is_refused_without_reading_the_file()
    {
        var secret = Path.Combine(Path.GetTempPath(), "twiml-xxe-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var xml = $"<?xml version=\"1.0\"?><!DOCTYPE Response [<!ENTITY xxe SYSTEM \"file://{secret}\">]><Response><Receive action=\"&xxe;\"/></Response>";
            var ex = Assert.Throws<TwimlException>(() => TwimlParser.Parse(xml));
            Assert.Equal(TwilioErrorCodes.DocumentParseFailure, ex.ErrorCode);
            Assert.DoesNotContain("TOP-SECRET", ex.ToString(), StringComparison.Ordinal);

            var parameterEntity = $"<!DOCTYPE Response [<!ENTITY % p SYSTEM \"file://{secret}\"> %p;]><Response><Receive/></Response>";
            Assert.Throws<TwimlException>(() => TwimlParser.Parse(parameterEntity));

            var externalDtd = $"<!DOCTYPE Response SYSTEM \"file://{secret}\"><Response><Receive/></Response>";
            Assert.Throws<TwimlException>(() => TwimlParser.Parse(externalDtd));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Entity_expansion_is_refused_without_expanding()
    {
        var laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Response [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            laughs.Append("<!ENTITY lol").Append(i).Append(" \"");
            for (var j = 0; j < 10; j++)
            {
                laughs.Append("&lol").Append(i == 1 ? string.Empty : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(';');
            }

            laughs.Append("\">");
        }

        laughs.Append("]><Response><Receive action=\"&lol9;\"/></Response>");
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<TwimlException>(() => TwimlParser.Parse(laughs.ToString()));

        Assert.Equal(TwilioErrorCodes.DocumentParseFailure, ex.ErrorCode);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 * 1024 * 1024, "entity expansion allocated memory");
    }

    [Fact]
    public void Ten_megabyte_answer_is_refused_while_streaming()
    {
        // <Response><Receive/> followed by 10 MB of comment: well-formed so far, only the size is wrong.
        var source = new GeneratedStream("<Response><Receive/><!--"u8.ToArray(), (byte)'x', 10 * 1024 * 1024);

        var ex = Assert.Throws<TwimlException>(() => TwimlParser.Parse(source));

        Assert.Equal(TwilioErrorCodes.ResponseBodyTooLarge, ex.ErrorCode);
        Assert.True(source.BytesRead <= TwimlParser.DefaultMaxBytes + 1, $"read {source.BytesRead} bytes");
    }

    [Fact]
    public void Size_cap_is_configurable_and_exact()
    {
        const string xml = "<Response><Receive/></Response>";
        Assert.IsType<TwimlReceive>(TwimlParser.Parse(xml, new TwimlParserOptions { MaxBytes = xml.Length }));
        Assert.Equal(
            TwilioErrorCodes.ResponseBodyTooLarge,
            Assert.Throws<TwimlException>(() => TwimlParser.Parse(xml, new TwimlParserOptions { MaxBytes = xml.Length - 1 })).ErrorCode);
    }

    /// <summary>A prefix followed by <c>length</c> filler bytes, generated on demand; counts what was read.</summary>
    private sealed class GeneratedStream(byte[] prefix, byte filler, long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + length;

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, Length - BytesRead);
            for (var i = 0; i < n; i++)
            {
                var at = BytesRead + i;
                buffer[offset + i] = at < prefix.Length ? prefix[at] : filler;
            }

            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
