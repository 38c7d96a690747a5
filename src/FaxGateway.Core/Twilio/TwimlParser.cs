using System.Xml;

namespace FaxGateway.Core.Twilio;

/// <summary>
/// Parses fax TwiML (<c>&lt;Response&gt;&lt;Receive/&gt;&lt;/Response&gt;</c> or <c>&lt;Reject/&gt;</c>) from an untrusted
/// tenant answer. The reader is hardened: DTDs are prohibited (no external entities, no entity expansion), no
/// resolver, and the input is counted while it streams so an oversized answer is refused before it is buffered.
/// </summary>
public static class TwimlParser
{
    /// <summary>Twilio refuses TwiML answers above 64 KB (error 11750); so do we.</summary>
    public const int DefaultMaxBytes = 64 * 1024;

    /// <summary>Parses a document given as text.</summary>
    public static TwimlInstruction Parse(string xml, TwimlParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml), writable: false);
        return Parse(stream, options);
    }

    /// <summary>Parses a document from a stream, reading at most <see cref="TwimlParserOptions.MaxBytes"/> bytes.</summary>
    public static TwimlInstruction Parse(Stream stream, TwimlParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= TwimlParserOptions.Default;
        using var capped = new SizeCappedStream(stream, options.MaxBytes);
        try
        {
            using var reader = XmlReader.Create(capped, HardenedSettings(options.MaxBytes));
            return ReadDocument(reader, options);
        }
        catch (XmlException ex)
        {
            throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, "TwiML is not well-formed: " + ex.Message, ex);
        }
        catch (TwimlSizeExceededException ex)
        {
            throw new TwimlException(TwilioErrorCodes.ResponseBodyTooLarge, ex.Message, ex);
        }
    }

    /// <summary>The reader settings: no DTD, no resolver, bounded characters.</summary>
    internal static XmlReaderSettings HardenedSettings(int maxBytes) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = maxBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
        Async = false,
    };

    private static TwimlInstruction ReadDocument(XmlReader reader, TwimlParserOptions options)
    {
        if (!reader.Read() || reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, "TwiML answer is empty");
        }

        if (reader.LocalName != "Response" || reader.NamespaceURI.Length != 0)
        {
            throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, $"TwiML root element is <{reader.Name}>, expected <Response>");
        }

        TwimlInstruction? chosen = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
                {
                    var verb = ReadVerb(reader, options);
                    chosen ??= verb;
                    continue;
                }

                if (reader.NodeType == XmlNodeType.Text || reader.NodeType == XmlNodeType.CDATA)
                {
                    throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, "text directly inside <Response>");
                }

                reader.Read();
            }
        }

        // Drain the rest so trailing garbage after </Response> is still refused as malformed.
        while (reader.Read())
        {
        }

        return chosen ?? throw new TwimlException(TwilioErrorCodes.NoFaxTwimlAction, "No Fax TwiML action specified: <Response> holds no <Receive> or <Reject>");
    }

    private static TwimlInstruction ReadVerb(XmlReader reader, TwimlParserOptions options)
    {
        TwimlInstruction verb = reader.LocalName switch
        {
            "Receive" when reader.NamespaceURI.Length == 0 => ReadReceive(reader, options),
            "Reject" when reader.NamespaceURI.Length == 0 => new TwimlReject(reader.GetAttribute("reason")),
            _ => throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, $"<{reader.Name}> is not a fax TwiML verb"),
        };

        reader.MoveToElement();
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return verb;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, $"<{reader.Name}> is not allowed inside a fax verb");
            }

            reader.Read();
        }

        reader.Read();
        return verb;
    }

    private static TwimlReceive ReadReceive(XmlReader reader, TwimlParserOptions options)
    {
        var method = Attribute(reader, "method", options, TwimlMethod.Post, static v =>
            string.Equals(v, "POST", StringComparison.OrdinalIgnoreCase) ? TwimlMethod.Post
            : string.Equals(v, "GET", StringComparison.OrdinalIgnoreCase) ? TwimlMethod.Get
            : null);
        var mediaType = Attribute(reader, "mediaType", options, TwimlReceive.Pdf, static v =>
            string.Equals(v, TwimlReceive.Pdf, StringComparison.OrdinalIgnoreCase) ? TwimlReceive.Pdf
            : string.Equals(v, TwimlReceive.Tiff, StringComparison.OrdinalIgnoreCase) ? TwimlReceive.Tiff
            : null);
        var pageSize = Attribute(reader, "pageSize", options, TwimlPageSize.Letter, static v => v.ToUpperInvariant() switch
        {
            "LETTER" => TwimlPageSize.Letter,
            "LEGAL" => TwimlPageSize.Legal,
            "A4" => TwimlPageSize.A4,
            _ => (TwimlPageSize?)null,
        });
        var storeMedia = Attribute(reader, "storeMedia", options, true, static v =>
            string.Equals(v, "true", StringComparison.OrdinalIgnoreCase) ? true
            : string.Equals(v, "false", StringComparison.OrdinalIgnoreCase) ? false
            : (bool?)null);
        var action = reader.GetAttribute("action");
        return new TwimlReceive(string.IsNullOrWhiteSpace(action) ? null : action.Trim(), method, mediaType, pageSize, storeMedia);
    }

    private static T Attribute<T>(XmlReader reader, string name, TwimlParserOptions options, T defaultValue, Func<string, T?> parse)
        where T : struct
        => AttributeCore(reader, name, options, defaultValue, v => parse(v) is { } parsed ? (parsed, true) : (defaultValue, false));

    private static string Attribute(XmlReader reader, string name, TwimlParserOptions options, string defaultValue, Func<string, string?> parse)
        => AttributeCore(reader, name, options, defaultValue, v => parse(v) is { } parsed ? (parsed, true) : (defaultValue, false));

    private static T AttributeCore<T>(XmlReader reader, string name, TwimlParserOptions options, T defaultValue, Func<string, (T Value, bool Ok)> parse)
    {
        var raw = reader.GetAttribute(name);
        if (raw is null)
        {
            return defaultValue;
        }

        var (value, ok) = parse(raw.Trim());
        if (ok)
        {
            return value;
        }

        if (options.LenientAttributes)
        {
            options.OnWarning?.Invoke($"<Receive {name}=\"{raw}\"> is not a valid value; using the default");
            return defaultValue;
        }

        throw new TwimlException(TwilioErrorCodes.DocumentParseFailure, $"<Receive {name}=\"{raw}\"> is not a valid value");
    }

    /// <summary>Thrown by the capped stream; turned into a <see cref="TwimlException"/> with code 11750.</summary>
    private sealed class TwimlSizeExceededException(string message) : IOException(message);

    /// <summary>Counts bytes as the reader pulls them and fails once the cap is passed: nothing beyond the cap is read.</summary>
    private sealed class SizeCappedStream(Stream inner, int maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // Ask for at most one byte beyond the cap, so an oversized answer is detected without reading it all.
            var allowed = (int)Math.Min(buffer.Length, maxBytes + 1L - _read);
            if (allowed <= 0)
            {
                throw new TwimlSizeExceededException($"TwiML answer exceeds {maxBytes} bytes");
            }

            var n = inner.Read(buffer[..allowed]);
            _read += n;
            if (_read > maxBytes)
            {
                throw new TwimlSizeExceededException($"TwiML answer exceeds {maxBytes} bytes");
            }

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

/// <summary>Options of <see cref="TwimlParser"/>.</summary>
public sealed record TwimlParserOptions
{
    /// <summary>Strict, 64 KB.</summary>
    public static TwimlParserOptions Default { get; } = new();

    /// <summary>Largest answer accepted, in bytes.</summary>
    public int MaxBytes { get; init; } = TwimlParser.DefaultMaxBytes;

    /// <summary>Spec 3.1's config switch: an attribute value outside its set falls back to the default with a warning instead of failing the fax.</summary>
    public bool LenientAttributes { get; init; }

    /// <summary>Receives the warnings of lenient mode.</summary>
    public Action<string>? OnWarning { get; init; }
}
