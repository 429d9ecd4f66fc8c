namespace PercepNet.Evaluation.Metrics;

/// <summary>Finds the delay of a degraded signal behind its reference by cross-correlation within a bounded search.</summary>
public static class DelayEstimator
{
    /// <summary>The lag d in [−maxLag, maxLag] maximising Σ r(n)·x(n + d) (positive: x lags r).</summary>
    public static int Estimate(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag)
    {
        int n = Math.Min(reference.Length, degraded.Length);
        double best = double.NegativeInfinity;
        int bestLag = 0;
        // Decimate the search: every 4th sample for the score, then refine around the winner at full rate.
        for (int pass = 0; pass < 2; pass++)
        {
            int step = pass == 0 ? 4 : 1;
            int lo = pass == 0 ? -maxLag : bestLag - 4;
            int hi = pass == 0 ? maxLag : bestLag + 4;
            best = double.NegativeInfinity;
            for (int lag = lo; lag <= hi; lag++)
            {
                double sum = 0;
                int start = Math.Max(0, -lag);
                int end = Math.Min(n, n - lag);
                for (int i = start; i < end; i += step)
                {
                    sum += reference[i] * (double)degraded[i + lag];
                }

                if (sum > best)
                {
                    best = sum;
                    bestLag = lag;
                }
            }
        }

        return bestLag;
    }

    /// <summary>Shifts <paramref name="degraded"/> earlier by <paramref name="delay"/> samples (zero-filled), same length.</summary>
    public static float[] Compensate(ReadOnlySpan<float> degraded, int delay)
    {
        var result = new float[degraded.Length];
        for (int i = 0; i < result.Length; i++)
        {
            int j = i + delay;
            if (j >= 0 && j < degraded.Length)
            {
                result[i] = degraded[j];
            }
        }

        return result;
    }
}
