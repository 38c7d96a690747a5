namespace FaxGateway.Protocol.Capabilities;

/// <summary>The format a page wants to be sent in (from the page source); the DCS is chosen as close to it as the far end allows.</summary>
public readonly record struct FaxPageFormat(FaxResolution Resolution, PageWidth Width = PageWidth.W1728, PageLength Length = PageLength.A4);

/// <summary>Best-common-mode selection from a received DIS/DTC.</summary>
public static class Negotiation
{
    // Resolutions to try, best first, when the preferred one is not offered: never a higher
    // resolution than the page has (that would only inflate it), always ending in standard.
    private static readonly FaxResolution[] ResolutionFallback =
        [FaxResolution.R400, FaxResolution.Superfine, FaxResolution.R300, FaxResolution.Fine, FaxResolution.Standard];

    /// <summary>The highest rate of the fallback order that both sides permit and that does not exceed <paramref name="maxRate"/>.</summary>
    public static FaxRate? BestRate(ModemSupport local, ModemSupport remote, FaxRate maxRate)
    {
        var started = false;
        foreach (var rate in FaxRate.FallbackOrder)
        {
            started |= rate == maxRate;
            if (started && rate.IsPermittedBy(local) && rate.IsPermittedBy(remote))
            {
                return rate;
            }
        }

        return null;
    }

    /// <summary>
    /// Chooses the DCS for a page: best common rate, the page's resolution or the best lower one the
    /// remote offers, the best common coding (MMR needs ECM on both sides), ECM if both want it,
    /// the page width/length capped by the remote, and the remote's scan time for that resolution.
    /// Returns null if there is no rate in common.
    /// </summary>
    public static DcsParameters? Choose(FaxCapabilities local, FaxCapabilities remote, FaxPageFormat page, FaxRate maxRate, bool useEcm, int ecmFrameSize)
    {
        var rate = BestRate(local.Modems, remote.Modems, maxRate);
        if (rate is null)
        {
            return null;
        }

        var ecm = useEcm && local.Ecm && remote.Ecm;
        var common = local.Compressions & remote.Compressions;
        var compression = ecm && common.HasFlag(FaxCompression.MMR) ? FaxCompression.MMR
            : common.HasFlag(FaxCompression.MR) ? FaxCompression.MR
            : FaxCompression.MH;
        var resolution = ChooseResolution(page.Resolution, local.Resolutions & remote.Resolutions);
        var width = (PageWidth)Math.Min((int)page.Width, Math.Min((int)remote.MaxWidth, (int)local.MaxWidth));
        var length = (PageLength)Math.Min((int)page.Length, (int)remote.MaxLength);
        var scan = remote.MinScanTimeFor(resolution);
        return new DcsParameters
        {
            Rate = rate.Value,
            Resolution = resolution,
            Compression = compression,
            Width = width,
            Length = length,
            Ecm = ecm,
            EcmFrameSize = ecmFrameSize == 64 ? 64 : 256,
            MinScanTimeMs = ecm ? 0 : scan,
        };
    }

    private static FaxResolution ChooseResolution(FaxResolution wanted, FaxResolution common)
    {
        if ((common & wanted) == wanted && wanted != FaxResolution.None)
        {
            return wanted;
        }

        var reached = false;
        foreach (var candidate in ResolutionFallback)
        {
            reached |= candidate == wanted;
            if (reached && (common & candidate) == candidate)
            {
                return candidate;
            }
        }

        // 300 dpi pages map to fine, 400 dpi to superfine/fine when not offered.
        return (common & FaxResolution.Fine) == FaxResolution.Fine && wanted != FaxResolution.Standard ? FaxResolution.Fine : FaxResolution.Standard;
    }
}
