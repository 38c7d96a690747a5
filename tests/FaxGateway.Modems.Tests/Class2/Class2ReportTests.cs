using FaxGateway.Modems.Class2;

namespace FaxGateway.Modems.Tests.Class2;

public sealed class Class2ReportTests
{
    [Theory]
    [InlineData("+FHS:00", Class2Dialect.Class20, Class2HangupReason.Normal)]
    [InlineData("+FHNG:0", Class2Dialect.Class2, Class2HangupReason.Normal)]
    [InlineData("+FHS:11", Class2Dialect.Class20, Class2HangupReason.NoAnswerT1)]
    [InlineData("+FHNG:11", Class2Dialect.Class2, Class2HangupReason.NoAnswerT1)]
    [InlineData("+FHS:25", Class2Dialect.Class20, Class2HangupReason.DcsNoResponse)]
    [InlineData("+FHS:92", Class2Dialect.Class20, Class2HangupReason.BadCrcOrFrame)]
    [InlineData("+FHNG:94", Class2Dialect.Class2, Class2HangupReason.BadCrcOrFrame)]
    [InlineData("+FHS:A1", Class2Dialect.Class20, Class2HangupReason.ReceivePhaseDInvalidResponse)]
    [InlineData("+FHNG:101", Class2Dialect.Class2, Class2HangupReason.ReceivePhaseDInvalidResponse)]
    [InlineData("+FHNG:103", Class2Dialect.Class2, Class2HangupReason.ReceiveUnableToContinue)]
    [InlineData("+FHS:A3", Class2Dialect.Class20, Class2HangupReason.ReceiveUnableToContinue)]
    [InlineData("+FHS:E0", Class2Dialect.Class20, Class2HangupReason.Unknown)]
    [InlineData("+FHNG:130", Class2Dialect.Class2, Class2HangupReason.Unknown)]
    [InlineData("+FHS:54", Class2Dialect.Class20, Class2HangupReason.EopNoResponse)]
    public void Hangup_codes_map_to_reasons(string line, Class2Dialect dialect, Class2HangupReason expected)
    {
        Assert.True(Class2ReportParser.TryParse(line, dialect, out var report));
        Assert.Equal(expected, Assert.IsType<Class2HangupReport>(report).Status.Reason);
    }

    [Fact]
    public void Hex_hangup_values_are_read_as_hex()
    {
        Assert.Equal(0xA1, Class2HangupCodes.Parse("A1", Class2Dialect.Class20).Value);
        Assert.Equal(101, Class2HangupCodes.Parse("101", Class2Dialect.Class2).Value);
    }

    [Fact]
    public void Every_report_kind_is_typed()
    {
        Report<Class2ConnectReport>("+FCO");
        Report<Class2ConnectReport>("+FCON");
        Assert.Equal("REMOTE 1", Report<Class2RemoteIdReport>("+FCI:\"REMOTE 1\"").Id);
        Assert.Equal(Class2IdKind.Tsi, Report<Class2RemoteIdReport>("+FTI: \"  555 1234\"").Kind);
        Assert.Equal(Class2IdKind.Csi, Report<Class2RemoteIdReport>("+FCSI: 555", Class2Dialect.Class2).Kind);
        Assert.Equal(Class2IdKind.Tsi, Report<Class2RemoteIdReport>("+FTSI: 555", Class2Dialect.Class2).Kind);
        Assert.Equal(Class2IdKind.Cig, Report<Class2RemoteIdReport>("+FPI:\"x\"").Kind);
        var dis = Report<Class2SessionReport>("+FIS:1,5,0,2,0,0,0,0");
        Assert.Equal(Class2SessionKind.RemoteCapabilities, dis.Kind);
        Assert.Equal(14400, dis.Parameters.BitRate);
        Assert.Equal(1728, dis.Parameters.Width);
        Assert.Equal("1,5,0,2,0,0,0,0", dis.Parameters.ToString());
        var dcs = Report<Class2SessionReport>("+FCS:1,3,0,2,1,1,0,0,0");
        Assert.Equal(Class2SessionKind.Negotiated, dcs.Kind);
        Assert.Equal(9600, dcs.Parameters.BitRate);
        Assert.True(dcs.Parameters.Ecm);
        Assert.Equal(0, dcs.Parameters.Jp);
        Assert.Equal(Class2SessionKind.Negotiated, Report<Class2SessionReport>("+FDCS:0,3,0,2,0,0,0,0", Class2Dialect.Class2).Kind);
        Assert.Equal(Class2SessionKind.RemoteCapabilities, Report<Class2SessionReport>("+FDIS:1,5,0,2,0,0,0,0", Class2Dialect.Class2).Kind);
        Assert.Equal(Class2SessionKind.PollingCapabilities, Report<Class2SessionReport>("+FTC:1,5,0,2,0,0,0,0").Kind);
        var c20Vr = Report<Class2SessionReport>("+FIS:7F,5,0,2,0,0,0,0");
        Assert.Equal(0x7F, c20Vr.Parameters.Vr);
        var fps = Report<Class2PageStatusReport>("+FPS:1,8FC,0,0,0");
        Assert.Equal(Class2PageResponse.Mcf, fps.Response);
        Assert.Equal(0x8FC, fps.LineCount);
        var fpts = Report<Class2PageStatusReport>("+FPTS:2,2300,12,3", Class2Dialect.Class2);
        Assert.Equal(Class2PageResponse.Rtn, fpts.Response);
        Assert.Equal(2300, fpts.LineCount);
        Assert.Equal(12, fpts.BadLines);
        Assert.Equal(Class2PostPageMessage.Eop, Report<Class2PostPageReport>("+FET:2").Message);
        Assert.Equal("+FNF", Report<Class2NonStandardReport>("+FNF:00 11 22").Name);
        Assert.True(Report<Class2HdlcReport>("+FHR:FF 13 80").Received);
        Assert.False(Report<Class2HdlcReport>("+FHT:FF 13 83").Received);
        Assert.Equal("+FPO", Report<Class2OtherReport>("+FPO").Name);
        Assert.False(Class2ReportParser.TryParse("OK", Class2Dialect.Class20, out _));
    }

    [Theory]
    [InlineData("+FIS:1,5,0")]
    [InlineData("+FCS:x,5,0,2,0,0,0,0")]
    [InlineData("+FPS:9")]
    [InlineData("+FET:zz")]
    public void Malformed_reports_are_garbage(string line)
    {
        var ex = Assert.Throws<ModemException>(() => Class2ReportParser.TryParse(line, Class2Dialect.Class20, out _));
        Assert.Equal(ModemFailure.Garbage, ex.Failure);
    }

    private static T Report<T>(string line, Class2Dialect dialect = Class2Dialect.Class20)
        where T : Class2Report
    {
        Assert.True(Class2ReportParser.TryParse(line, dialect, out var report));
        return Assert.IsType<T>(report);
    }
}
