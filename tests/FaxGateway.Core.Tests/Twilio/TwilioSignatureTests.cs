using System.Text;
using FaxGateway.Core.Twilio;

namespace FaxGateway.Core.Tests.Twilio;

/// <summary>Vectors from twiml-fax.md section 7.1 (twilio-python's request validator tests and the fax-specific ones).</summary>
public sealed class TwilioSignatureTests
{
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static readonly KeyValuePair<string, string>[] PythonParams =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675309"),
        new("Digits", "1234"),
        new("From", "+14158675309"),
        new("To", "+18005551212"),
    ];

    private static readonly KeyValuePair<string, string>[] FaxParams =
    [
        new("FaxSid", "FX0123456789abcdef0123456789abcdef"),
        new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        new("From", "+14155551234"),
        new("To", "+14155554321"),
        new("ApiVersion", "v1"),
    ];

    [Fact]
    public void Twilio_python_vector_signs_url_and_sorted_params()
    {
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.Compute(Token, Url, PythonParams));
    }

    [Fact]
    public void Parameter_order_does_not_matter()
    {
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.Compute(Token, Url, PythonParams.Reverse()));
    }

    [Theory]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    public void Explicit_default_port_is_signed_as_given(string url, string expected)
    {
        Assert.Equal(expected, TwilioSignature.Compute(Token, url, PythonParams));
    }

    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    public void Validator_accepts_url_with_and_without_default_port(string requestUrl, string signature)
    {
        Assert.True(TwilioSignature.Validate(Token, signature, requestUrl, PythonParams));
    }

    [Fact]
    public void Validator_rejects_wrong_token_changed_param_missing_signature_and_other_port()
    {
        Assert.False(TwilioSignature.Validate("54321", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Url, PythonParams));
        var changed = PythonParams.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1235") : p);
        Assert.False(TwilioSignature.Validate(Token, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Url, changed));
        Assert.False(TwilioSignature.Validate(Token, null, Url, PythonParams));
        Assert.False(TwilioSignature.Validate(Token, "", Url, PythonParams));
        Assert.False(TwilioSignature.Validate(Token, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "https://mycompany.com:8443/myapp.php?foo=1&bar=2", PythonParams));
    }

    [Fact]
    public void Repeated_keys_append_each_distinct_value_in_order()
    {
        KeyValuePair<string, string>[] parameters =
        [
            new("Sid", "CA123"),
            new("SidAccount", "AC123"),
            new("Digits", "5678"),
            new("Digits", "1234"),
        ];

        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.Compute(Token, Url, parameters));
        Assert.Equal(
            TwilioSignature.Sign(Token, Url + "Digits1234Digits5678SidCA123SidAccountAC123"),
            TwilioSignature.Compute(Token, Url, parameters));
    }

    [Fact]
    public void Json_body_is_hashed_into_the_url_and_only_the_url_is_signed()
    {
        var body = Encoding.UTF8.GetBytes("{\"property\": \"value\", \"boolean\": true}");
        Assert.Equal("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", TwilioSignature.BodySha256(body));

        var signedUrl = TwilioSignature.AppendBodySha256(Url, body);
        Assert.Equal(Url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", signedUrl);
        Assert.Equal("a9nBmqA0ju/hNViExpshrM61xv4=", TwilioSignature.ComputeForJson(Token, signedUrl));
        Assert.True(TwilioSignature.ValidateJson(Token, "a9nBmqA0ju/hNViExpshrM61xv4=", signedUrl, body));
        Assert.False(TwilioSignature.ValidateJson(Token, "a9nBmqA0ju/hNViExpshrM61xv4=", signedUrl, Encoding.UTF8.GetBytes("{}")));
    }

    [Fact]
    public void Fax_incoming_webhook_vector()
    {
        Assert.Equal("nuyWSIDisjMMWPQTLH7vV7qRyZU=", TwilioSignature.Compute(Token, "https://fax.example.com/twiml/fax/incoming", FaxParams));
    }

    [Fact]
    public void Fax_action_callback_vector_keeps_the_space_in_the_station_id()
    {
        KeyValuePair<string, string>[] parameters =
        [
            .. FaxParams,
            new("RemoteStationId", "ACME FAX"),
            new("FaxStatus", "received"),
            new("NumPages", "2"),
            new("MediaUrl", "https://fax.example.com/v1/Faxes/FX0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef"),
        ];

        Assert.Equal("pyKpeWFSKXnf2Ang3iFe+MLki1Q=", TwilioSignature.Compute(Token, "https://fax.example.com/twiml/fax/received", parameters));
    }

    [Theory]
    [InlineData("https://fax.example.com/twiml/fax/incoming#ct=1000&rc=2")]
    [InlineData("https://user:secret@fax.example.com/twiml/fax/incoming")]
    [InlineData("https://user:secret@fax.example.com/twiml/fax/incoming#rt=500")]
    public void Fragment_and_userinfo_are_not_signed(string url)
    {
        Assert.Equal("nuyWSIDisjMMWPQTLH7vV7qRyZU=", TwilioSignature.Compute(Token, url, FaxParams));
        Assert.Equal("https://fax.example.com/twiml/fax/incoming", TwilioSignature.SignableUrl(url));
    }

    [Fact]
    public void Empty_value_appends_just_the_name()
    {
        Assert.Equal(
            TwilioSignature.Sign(Token, "https://a.example/xAb"),
            TwilioSignature.Compute(Token, "https://a.example/x", [new("A", ""), new("b", "")]));
    }
}
