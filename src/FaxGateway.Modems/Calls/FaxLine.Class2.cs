using FaxGateway.Imaging;
using FaxGateway.Modems.Class2;
using FaxGateway.Protocol.Capabilities;
using FaxGateway.Protocol.Session;
using FaxResolution = FaxGateway.Protocol.Capabilities.FaxResolution;

namespace FaxGateway.Modems.Calls;

/// <summary>Class 2 / 2.0 calls: the modem runs T.30; pages are coded for the session it reports, and its reports become the same call result.</summary>
public sealed partial class FaxLine
{
    private async Task<FaxCallReport> SendClass2Async(string number, FaxPageSource source, CancellationToken cancellationToken)
    {
        var modem = Class2Driver;
        var started = Time.GetUtcNow();
        var pages = new List<FaxPageResult>();
        try
        {
            var dial = await modem.DialAsync(number, cancellationToken).ConfigureAwait(false);
            if (!dial.Connected)
            {
                await HangupAfterFailedCallAsync(cancellationToken).ConfigureAwait(false);
                return Report(FaxDirection.Send, dial.Outcome, dial.ResultText, dial.Hangup is null ? null : Class2Result(modem, pages, started, sending: true), [], null, started);
            }

            for (var i = 0; i < source.PageCount; i++)
            {
                var message = i + 1 == source.PageCount ? Class2PostPageMessage.Eop
                    : source.GetFormat(i + 1) != source.GetFormat(i) ? Class2PostPageMessage.Eom
                    : Class2PostPageMessage.Mps;
                var pageStarted = Time.GetUtcNow();
                DcsParameters? mode = null;
                var index = i;
                var result = await modem.SendPageAsync(
                    session =>
                    {
                        mode = ToDcs(session, source.GetFormat(index));
                        return FaxEncoder.Encode(FaxPageSource.Prepare(source.Pages[index], mode), FaxPageSource.LineCoding(mode) with { BitOrder = FaxBitOrder.MsbFirst, MinBitsPerRow = 0 });
                    },
                    message,
                    cancellationToken).ConfigureAwait(false);
                mode ??= ToDcs(modem.Session, source.GetFormat(i));
                var outcome = result.Response switch
                {
                    Class2PageResponse.Mcf => PageOutcome.Confirmed,
                    Class2PageResponse.Rtp => PageOutcome.ConfirmedRetrain,
                    Class2PageResponse.Pip => PageOutcome.ConfirmedInterrupt,
                    _ => PageOutcome.Rejected,
                };
                pages.Add(PageResult(i, mode, outcome, 0, Time.GetUtcNow() - pageStarted));
                if (!result.Confirmed || result.Hangup is not null && i + 1 < source.PageCount)
                {
                    break;
                }
            }

            await HangupAfterFailedCallAsync(cancellationToken).ConfigureAwait(false);
            return Report(FaxDirection.Send, CallOutcome.Connected, "OK", Class2Result(modem, pages, started, sending: true, source.PageCount), [], null, started);
        }
        catch (ModemException ex)
        {
            return Report(FaxDirection.Send, pages.Count > 0 || modem.Reports.Count > 0 ? CallOutcome.Connected : CallOutcome.Error, ex.Message, Class2Result(modem, pages, started, sending: true, source.PageCount, HangupReason.CallAborted), [], ex, started);
        }
    }

    private async Task<FaxCallReport> ReceiveClass2Async(Func<ReceivedFaxPage, bool>? keepPage, CancellationToken cancellationToken)
    {
        var modem = Class2Driver;
        var started = Time.GetUtcNow();
        var pages = new List<FaxPageResult>();
        var received = new List<ReceivedFaxPage>();
        try
        {
            var answer = await modem.AnswerAsync(cancellationToken).ConfigureAwait(false);
            if (!answer.Connected)
            {
                await HangupAfterFailedCallAsync(cancellationToken).ConfigureAwait(false);
                return Report(FaxDirection.Receive, answer.Outcome, answer.ResultText, null, [], null, started);
            }

            // The modem sends the post-page response on our next +FDR: a kept page is kept before its MCF.
            var sink = new FaxPageReceiver(Options.CopyQuality) { KeepPage = keepPage };
            sink.PageReceived += page => PageReceived?.Invoke(page);
            while (true)
            {
                var pageStarted = Time.GetUtcNow();
                var page = await modem.ReceivePageAsync(cancellationToken).ConfigureAwait(false);
                if (page is null)
                {
                    break;
                }

                var mode = ToDcs(page.Session, new FaxPageFormat(FaxResolution.Fine));
                sink.BeginPage(pages.Count, mode);

                // The driver hands the page MSB-first; the receiver decodes line order.
                var lineOrder = page.Data.ToArray();
                Framing.BitOrder.ReverseInPlace(lineOrder);
                sink.Write(lineOrder);
                var verdict = sink.EndPage();
                var accepted = verdict.Quality != CopyQuality.Bad;
                pages.Add(PageResult(pages.Count, mode, accepted ? PageOutcome.Received : PageOutcome.ReceivedBad, verdict.BadLines, Time.GetUtcNow() - pageStarted));
                await modem.SetPageResponseAsync(accepted ? Class2PageResponse.Mcf : Class2PageResponse.Rtn, cancellationToken).ConfigureAwait(false);
                if (page.IsLast && accepted)
                {
                    // One more +FDR collects the hangup report after EOP.
                    continue;
                }
            }

            received.AddRange(sink.Pages);
            await HangupAfterFailedCallAsync(cancellationToken).ConfigureAwait(false);
            return Report(FaxDirection.Receive, CallOutcome.Connected, "OK", Class2Result(modem, pages, started, sending: false), received, null, started);
        }
        catch (ModemException ex)
        {
            return Report(FaxDirection.Receive, pages.Count > 0 ? CallOutcome.Connected : CallOutcome.Error, ex.Message, Class2Result(modem, pages, started, sending: false, 0, HangupReason.CallAborted), received, ex, started);
        }
    }

    private FaxCallResult Class2Result(Class2Modem modem, List<FaxPageResult> pages, DateTimeOffset started, bool sending, int pageCount = 0, HangupReason? forced = null)
    {
        var reason = forced ?? modem.Hangup switch
        {
            null => HangupReason.Normal,
            { } h when modem.Dialect == Class2Dialect.Class20 => HangupCodes.FromFhs((byte)Math.Clamp(h.Value, 0, 255)),
            { } h => HangupCodes.FromFhng(h.Value),
        };
        var confirmed = pages.Count(p => p.IsConfirmed);
        return new FaxCallResult
        {
            Reason = reason,
            Success = reason == HangupReason.Normal && (sending ? pageCount > 0 && confirmed == pageCount : confirmed > 0),
            Pages = [.. pages],
            RemoteIdent = modem.RemoteId,
            Mode = modem.Session is { } s ? ToDcs(s, new FaxPageFormat(FaxResolution.Fine)) : null,
            Started = started,
            Ended = Time.GetUtcNow(),
        };
    }

    private static FaxPageResult PageResult(int index, DcsParameters mode, PageOutcome outcome, int badLines, TimeSpan duration) => new()
    {
        PageIndex = index,
        Compression = mode.Compression,
        Resolution = mode.Resolution,
        Width = mode.Width,
        Rate = mode.Rate,
        Ecm = mode.Ecm,
        Outcome = outcome,
        BadLines = badLines,
        Duration = duration,
    };

    /// <summary>
    /// The DCS a Class 2/2.0 session report stands for: VR (0 normal, bit 0 fine, bit 1 superfine), BR (n x 2400),
    /// WD, DF (0 MH, 1 MR, 3 MMR), EC. Without a report: the page's own format in MH at 9600.
    /// </summary>
    private static DcsParameters ToDcs(Class2SessionParameters? session, FaxPageFormat fallback)
    {
        if (session is null)
        {
            return new DcsParameters { Rate = FaxRate.V29_9600, Resolution = fallback.Resolution, Compression = FaxCompression.MH, Width = PageWidth.W1728 };
        }

        var rate = session.BitRate switch
        {
            2400 => FaxRate.V27ter2400,
            4800 => FaxRate.V27ter4800,
            7200 => FaxRate.V29_7200,
            9600 => FaxRate.V29_9600,
            12000 => FaxRate.V17_12000,
            _ => FaxRate.V17_14400,
        };
        return new DcsParameters
        {
            Rate = rate,
            Resolution = (session.Vr & 2) != 0 ? FaxResolution.Superfine : (session.Vr & 1) != 0 ? FaxResolution.Fine : FaxResolution.Standard,
            Compression = session.Df switch { 1 => FaxCompression.MR, 3 => FaxCompression.MMR, _ => FaxCompression.MH },
            Width = session.Wd switch { 1 => PageWidth.W2048, 2 => PageWidth.W2432, _ => PageWidth.W1728 },
            Ecm = session.Ecm,
            EcmFrameSize = session.Ec == 1 ? 64 : 256,
        };
    }
}
