namespace FaxGateway.Protocol.Session;

/// <summary>
/// What the receiver saw of a TCF: octet count, non-zero octets and the longest run of zero bits.
/// The driver (or the simulator) measures it; the engine judges it.
/// </summary>
public readonly record struct TcfStatistics(int TotalOctets, int NonZeroOctets, long LongestZeroRunBits)
{
    /// <summary>Measures raw TCF octets, skipping leading non-zero noise from training (HylaFAX <c>Class1Recv.c++</c>).</summary>
    public static TcfStatistics Measure(ReadOnlySpan<byte> tcf)
    {
        var start = 0;
        while (start < tcf.Length && tcf[start] != 0)
        {
            start++;
        }

        long run = 0;
        long longest = 0;
        var nonZero = 0;
        for (var i = start; i < tcf.Length; i++)
        {
            var b = tcf[i];
            if (b == 0)
            {
                run += 8;
                continue;
            }

            nonZero++;
            // Zero bits before the first one bit (LSB first on the line) still extend the run.
            run += System.Numerics.BitOperations.TrailingZeroCount(b);
            longest = Math.Max(longest, run);
            run = 7 - (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)b));
        }

        longest = Math.Max(longest, run);
        return new TcfStatistics(tcf.Length - start, nonZero, longest);
    }

    /// <summary>
    /// Judges the TCF: the longest zero run must last at least <paramref name="minZeroRun"/> (HylaFAX
    /// <c>Class1TCFMinRun</c> 1000 ms, halved with ECM), and unless the run covers the whole TCF no
    /// more than 10 % of the octets may be non-zero (<c>Class1TCFMaxNonZero</c>).
    /// </summary>
    public bool IsAcceptable(int bitsPerSecond, TimeSpan minZeroRun, TimeSpan fullDuration)
    {
        var runSeconds = LongestZeroRunBits / (double)bitsPerSecond;
        if (runSeconds < minZeroRun.TotalSeconds)
        {
            return false;
        }

        var fullRun = runSeconds >= fullDuration.TotalSeconds * 0.95;
        return fullRun || TotalOctets == 0 || NonZeroOctets * 10 <= TotalOctets;
    }
}
