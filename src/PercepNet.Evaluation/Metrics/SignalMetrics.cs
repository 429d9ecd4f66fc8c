namespace PercepNet.Evaluation.Metrics;

/// <summary>Intrusive waveform metrics of a degraded signal against its reference (same rate, aligned).</summary>
internal static class SignalMetrics
{
    /// <summary>
    /// Scale-invariant SDR (Le Roux et al. 2019), in dB: both signals made zero-mean, the reference scaled by
    /// the projection α = ⟨d, r⟩/‖r‖², SI-SDR = 10·log10(‖αr‖² / ‖αr − d‖²).
    /// </summary>
    public static double SiSdr(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded)
    {
        int n = Math.Min(reference.Length, degraded.Length);
        double meanR = 0, meanD = 0;
        for (int i = 0; i < n; i++)
        {
            meanR += reference[i];
            meanD += degraded[i];
        }

        meanR /= n;
        meanD /= n;
        double dot = 0, energy = 0;
        for (int i = 0; i < n; i++)
        {
            double r = reference[i] - meanR;
            dot += r * (degraded[i] - meanD);
            energy += r * r;
        }

        double alpha = dot / (energy + 1e-30);
        double target = 0, error = 0;
        for (int i = 0; i < n; i++)
        {
            double t = alpha * (reference[i] - meanR);
            double e = t - (degraded[i] - meanD);
            target += t * t;
            error += e * e;
        }

        return 10 * Math.Log10((target + 1e-30) / (error + 1e-30));
    }

    /// <summary>SNR = 10·log10(‖r‖² / ‖r − d‖²), in dB.</summary>
    public static double Snr(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded)
    {
        int n = Math.Min(reference.Length, degraded.Length);
        double signal = 0, error = 0;
        for (int i = 0; i < n; i++)
        {
            double e = reference[i] - (double)degraded[i];
            signal += reference[i] * (double)reference[i];
            error += e * e;
        }

        return 10 * Math.Log10((signal + 1e-30) / (error + 1e-30));
    }

    /// <summary>
    /// Segmental SNR: the mean over non-overlapping frames (default 30 ms at the given rate) of each frame's SNR
    /// clamped to [−10, 35] dB; frames where the reference is silent (below −60 dB of its loudest frame) are skipped.
    /// </summary>
    public static double SegmentalSnr(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate,
        double frameSeconds = 0.03)
    {
        int n = Math.Min(reference.Length, degraded.Length);
        int frame = Math.Max(1, (int)(frameSeconds * sampleRate));
        int frames = n / frame;
        var signal = new double[frames];
        var noise = new double[frames];
        double loudest = 0;
        for (int f = 0; f < frames; f++)
        {
            for (int i = f * frame; i < (f + 1) * frame; i++)
            {
                double e = reference[i] - (double)degraded[i];
                signal[f] += reference[i] * (double)reference[i];
                noise[f] += e * e;
            }

            loudest = Math.Max(loudest, signal[f]);
        }

        double sum = 0;
        int used = 0;
        for (int f = 0; f < frames; f++)
        {
            if (signal[f] < loudest * 1e-6)
            {
                continue;
            }

            double snr = 10 * Math.Log10((signal[f] + 1e-30) / (noise[f] + 1e-30));
            sum += Math.Clamp(snr, -10, 35);
            used++;
        }

        return used == 0 ? double.NaN : sum / used;
    }
}
