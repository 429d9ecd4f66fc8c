namespace PercepNet.Analysis;

/// <summary>
/// The symmetric, non-causal pitch comb of DESIGN §4: p(n) = Σ_(k=−M..M) a_k·x(n − kT) with normalised Hann
/// weights, M = 2 (taps 1/12, 1/4, 1/3, 1/4, 1/12; white-noise power gain Σa_k² = 1/4). When T exceeds
/// <see cref="MaxPeriodForFullOrder"/> the future tap 2T would leave the 20 ms of look-ahead, so the ±2 taps
/// are dropped and the rest renormalised (0.3, 0.4, 0.3; power gain 0.34).
/// </summary>
internal static class CombFilter
{
    public const int Order = 2;

    /// <summary>Largest period for which the k = ±2 taps fit in the look-ahead.</summary>
    public const int MaxPeriodForFullOrder = 480;

    /// <summary>Largest period the pitch tracker produces (62.5 Hz).</summary>
    public const int MaxPeriod = 768;

    /// <summary>Samples the filter reaches before and after its output span.</summary>
    public const int MaxReach = 2 * MaxPeriodForFullOrder;

    private static readonly float[] FullTaps = HannTaps(Order);
    private static readonly float[] ShortTaps = DropOuterTaps(FullTaps);

    /// <summary>Weights a_(−M..M) used at period T.</summary>
    public static ReadOnlySpan<float> Taps(int period) => period > MaxPeriodForFullOrder ? ShortTaps : FullTaps;

    /// <summary>White-noise power gain Σ a_k² at period T (σ² of DESIGN §6).</summary>
    public static float NoisePowerGain(int period)
    {
        float sum = 0f;
        foreach (float a in Taps(period))
        {
            sum += a * a;
        }

        return sum;
    }

    /// <summary>
    /// Filters <paramref name="output"/>.Length samples starting at <paramref name="start"/> of
    /// <paramref name="signal"/>; the signal must hold the taps' reach on both sides of that span.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> signal, int start, int period, Span<float> output)
    {
        if (period < 1 || period > MaxPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), $"Pitch period must be in 1..{MaxPeriod}.");
        }

        ReadOnlySpan<float> taps = Taps(period);
        int m = taps.Length / 2;
        if (start - (m * period) < 0 || start + output.Length + (m * period) > signal.Length)
        {
            throw new ArgumentException("The signal does not hold the comb filter's reach around the span.");
        }

        ReadOnlySpan<float> centre = signal.Slice(start, output.Length);
        for (int n = 0; n < output.Length; n++)
        {
            output[n] = taps[m] * centre[n];
        }

        for (int k = 1; k <= m; k++)
        {
            float a = taps[m + k];
            ReadOnlySpan<float> past = signal.Slice(start - (k * period), output.Length);
            ReadOnlySpan<float> future = signal.Slice(start + (k * period), output.Length);
            for (int n = 0; n < output.Length; n++)
            {
                output[n] += a * (past[n] + future[n]);
            }
        }
    }

    private static float[] DropOuterTaps(float[] taps)
    {
        float[] inner = taps[1..^1];
        float sum = inner.Sum();
        for (int i = 0; i < inner.Length; i++)
        {
            inner[i] /= sum;
        }

        return inner;
    }

    private static float[] HannTaps(int m)
    {
        var taps = new float[(2 * m) + 1];
        double sum = 0;
        var raw = new double[taps.Length];
        for (int k = -m; k <= m; k++)
        {
            raw[k + m] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * (k + m + 1) / ((2 * m) + 2)));
            sum += raw[k + m];
        }

        for (int i = 0; i < taps.Length; i++)
        {
            taps[i] = (float)(raw[i] / sum);
        }

        return taps;
    }
}
