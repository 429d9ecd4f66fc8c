using System.Numerics;

namespace PercepNet.Evaluation.Metrics;

/// <summary>Finds the delay of a degraded signal behind its reference by cross-correlation within a bounded search.</summary>
internal static class DelayEstimator
{
    /// <summary>
    /// The lag d in [−maxLag, maxLag] maximising Σ r(n)·x(n + d) (positive: x lags r). Long signals are searched first
    /// at a decimated rate (block means of <paramref name="decimation"/> samples, all lags at once through an FFT), then
    /// refined at full rate around the coarse peak.
    /// </summary>
    public static int Estimate(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag, int decimation = 4)
    {
        if (decimation <= 1 || maxLag < 4 * decimation)
        {
            return EstimateFullRate(reference, degraded, maxLag);
        }

        float[] r = Decimate(reference, decimation), d = Decimate(degraded, decimation);
        int coarse = EstimateFullRate(r, d, (maxLag + decimation - 1) / decimation) * decimation;
        int best = coarse;
        double bestValue = double.NegativeInfinity;
        for (int lag = Math.Max(-maxLag, coarse - (2 * decimation)); lag <= Math.Min(maxLag, coarse + (2 * decimation)); lag++)
        {
            double value = 0;
            for (int i = Math.Max(0, -lag); i < reference.Length && i + lag < degraded.Length; i++)
            {
                value += reference[i] * (double)degraded[i + lag];
            }

            if (value > bestValue)
            {
                bestValue = value;
                best = lag;
            }
        }

        return best;
    }

    private static float[] Decimate(ReadOnlySpan<float> x, int factor)
    {
        var result = new float[x.Length / factor];
        for (int i = 0; i < result.Length; i++)
        {
            float sum = 0;
            for (int j = 0; j < factor; j++)
            {
                sum += x[(i * factor) + j];
            }

            result[i] = sum / factor;
        }

        return result;
    }

    /// <summary>The same search at full rate, all lags through one FFT.</summary>
    public static int EstimateFullRate(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag)
    {
        int n = Math.Max(reference.Length, degraded.Length);
        if (n == 0 || maxLag <= 0)
        {
            return 0;
        }

        int size = 1;
        while (size < n + maxLag + 1)
        {
            size <<= 1;
        }

        var a = new Complex[size];
        var b = new Complex[size];
        for (int i = 0; i < reference.Length; i++)
        {
            a[i] = reference[i];
        }

        for (int i = 0; i < degraded.Length; i++)
        {
            b[i] = degraded[i];
        }

        Radix2Fft.Forward(a);
        Radix2Fft.Forward(b);
        for (int k = 0; k < size; k++)
        {
            // Conjugating the product turns the forward transform into the inverse (up to scale and conjugation).
            a[k] = Complex.Conjugate(Complex.Conjugate(a[k]) * b[k]);
        }

        Radix2Fft.Forward(a);
        // a[d] now holds size · Σ r(n)·x(n + d) (conjugated; the values are real), negative lags wrap around.
        int bestLag = 0;
        double best = double.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double value = a[(lag + size) % size].Real;
            if (value > best)
            {
                best = value;
                bestLag = lag;
            }
        }

        return bestLag;
    }

    /// <summary>Normalised correlation of the reference with the degraded signal shifted by <paramref name="lag"/>.</summary>
    public static double CorrelationAt(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int lag)
    {
        double dot = 0, energyR = 0, energyD = 0;
        for (int i = Math.Max(0, -lag); i < reference.Length && i + lag < degraded.Length; i++)
        {
            dot += reference[i] * (double)degraded[i + lag];
            energyR += reference[i] * (double)reference[i];
            energyD += degraded[i + lag] * (double)degraded[i + lag];
        }

        return energyR > 0 && energyD > 0 ? dot / Math.Sqrt(energyR * energyD) : 0;
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
