using PercepNet.Dsp;

namespace PercepNet.Evaluation.Metrics;

/// <summary>One frequency band of the fidelity measure, from <see cref="LowHz"/> to <see cref="HighHz"/>.</summary>
internal readonly record struct FidelityBand(double LowHz, double HighHz)
{
    /// <summary>Name used in CSV columns: "8_12" for 8–12 kHz.</summary>
    public string Key => $"{LowHz / 1000:0}_{HighHz / 1000:0}";
}

/// <summary>The fidelity measure of one band; a value is null where the band does not count for that file.</summary>
internal readonly record struct BandFidelityResult(FidelityBand Band, double? SpeechLevelDb, double? PauseAttenuationDb);

/// <summary>
/// How faithfully each frequency band of a 48 kHz output follows the clean reference. Over speech-active frames
/// (the reference within <see cref="SpeechRangeDb"/> of its loudest frame), the output's band energy relative to the
/// reference's (0 dB: the band kept at its level; negative: muffled); over speech-free frames (the reference more than
/// <see cref="PauseRangeDb"/> below its loudest frame), how far the output's band energy lies below the noisy input's
/// (the attenuation of the noise there). A band's speech level counts only when the reference's own bandwidth covers
/// <see cref="CoveredShare"/> of it (given, or estimated from the reference); its pause attenuation only where the noise has energy in it
/// (the noisy input's pause energy at least <see cref="NoisePresenceDb"/> above the reference's). Frames are
/// Hann-windowed, the next power of two of at least 20 ms long, with half overlap; signals must be aligned.
/// </summary>
internal static class BandFidelity
{
    /// <summary>The bands of the measure: 0–2, 2–4, 4–8, 8–12, 12–16 and 16–20 kHz.</summary>
    public static readonly FidelityBand[] Bands =
    [
        new(0, 2000), new(2000, 4000), new(4000, 8000), new(8000, 12000), new(12000, 16000), new(16000, 20000),
    ];

    /// <summary>Frames whose reference energy lies within this many dB of the loudest frame are speech-active.</summary>
    public const double SpeechRangeDb = 35;

    /// <summary>Frames whose reference energy lies more than this many dB below the loudest frame are speech-free.</summary>
    public const double PauseRangeDb = 50;

    /// <summary>A band's noise is present when the noisy input's pause energy exceeds the reference's by this much.</summary>
    public const double NoisePresenceDb = 10;

    /// <summary>A band's speech level counts when the reference's bandwidth covers at least this share of it.</summary>
    public const double CoveredShare = 0.9;

    /// <summary>
    /// The reference's bandwidth estimate: the upper edge of the highest 250 Hz bin whose long-term speech-frame energy
    /// lies within this many dB of the loudest bin.
    /// </summary>
    public const double BandwidthRangeDb = 60;

    /// <summary>Measures every band. <paramref name="noisy"/> may be empty (no attenuation then).</summary>
    public static BandFidelityResult[] Measure(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, ReadOnlySpan<float> noisy,
        int sampleRate, double? referenceBandwidthHz = null)
    {
        int length = Math.Min(reference.Length, degraded.Length);
        if (!noisy.IsEmpty)
        {
            length = Math.Min(length, noisy.Length);
        }

        int fftLength = 2;
        while (fftLength < 0.02 * sampleRate)
        {
            fftLength *= 2;
        }

        int hop = fftLength / 2;
        int frames = length < fftLength ? 0 : 1 + ((length - fftLength) / hop);
        int bins = (fftLength / 2) + 1;
        var referencePower = new double[frames, bins];
        var degradedPower = new double[frames, bins];
        var noisyPower = new double[noisy.IsEmpty ? 0 : frames, bins];
        var frameEnergy = new double[frames];
        var fft = new RealFft(fftLength);
        var window = new float[fftLength];
        for (int i = 0; i < fftLength; i++)
        {
            window[i] = (float)(0.5 - (0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / fftLength)));
        }

        var frame = new float[fftLength];
        var spectrum = new ComplexF[bins];
        for (int f = 0; f < frames; f++)
        {
            Spectrum(reference.Slice(f * hop, fftLength), referencePower, f);
            Spectrum(degraded.Slice(f * hop, fftLength), degradedPower, f);
            if (!noisy.IsEmpty)
            {
                Spectrum(noisy.Slice(f * hop, fftLength), noisyPower, f);
            }

            for (int k = 0; k < bins; k++)
            {
                frameEnergy[f] += referencePower[f, k];
            }
        }

        double loudest = frameEnergy.Length == 0 ? 0 : frameEnergy.Max();
        var active = new bool[frames];
        var pause = new bool[frames];
        for (int f = 0; f < frames; f++)
        {
            active[f] = loudest > 0 && frameEnergy[f] >= loudest * Math.Pow(10, -SpeechRangeDb / 10);
            pause[f] = loudest > 0 && frameEnergy[f] < loudest * Math.Pow(10, -PauseRangeDb / 10);
        }

        double binHz = sampleRate / (double)fftLength;
        double bandwidth = referenceBandwidthHz ?? EstimateBandwidth(referencePower, active, binHz);
        var results = new BandFidelityResult[Bands.Length];
        for (int b = 0; b < Bands.Length; b++)
        {
            FidelityBand band = Bands[b];
            int first = (int)Math.Ceiling(band.LowHz / binHz), last = Math.Min(bins - 1, (int)Math.Ceiling(band.HighHz / binHz) - 1);
            if (band.HighHz > sampleRate / 2.0 || last < first)
            {
                results[b] = new BandFidelityResult(band, null, null);
                continue;
            }

            double speechReference = Sum(referencePower, active, first, last), speechDegraded = Sum(degradedPower, active, first, last);
            double? level = bandwidth >= band.LowHz + (CoveredShare * (band.HighHz - band.LowHz)) && speechReference > 0
                ? 10 * Math.Log10(Math.Max(speechDegraded, 1e-30) / speechReference)
                : null;
            double? attenuation = null;
            if (!noisy.IsEmpty)
            {
                double pauseNoisy = Sum(noisyPower, pause, first, last), pauseReference = Sum(referencePower, pause, first, last);
                double pauseDegraded = Sum(degradedPower, pause, first, last);
                if (pauseNoisy > 0 && pauseNoisy >= Math.Max(pauseReference, 1e-30) * Math.Pow(10, NoisePresenceDb / 10))
                {
                    attenuation = 10 * Math.Log10(pauseNoisy / Math.Max(pauseDegraded, 1e-30));
                }
            }

            results[b] = new BandFidelityResult(band, level, attenuation);
        }

        return results;

        void Spectrum(ReadOnlySpan<float> samples, double[,] power, int f)
        {
            for (int i = 0; i < fftLength; i++)
            {
                frame[i] = samples[i] * window[i];
            }

            fft.Forward(frame, spectrum);
            for (int k = 0; k < bins; k++)
            {
                power[f, k] = ((double)spectrum[k].Re * spectrum[k].Re) + ((double)spectrum[k].Im * spectrum[k].Im);
            }
        }
    }

    /// <summary>The upper edge of the highest 250 Hz bin whose speech-frame energy lies within <see cref="BandwidthRangeDb"/> of the loudest.</summary>
    public static double EstimateBandwidth(double[,] power, bool[] active, double binHz)
    {
        int bins = power.GetLength(1);
        int perGroup = Math.Max(1, (int)Math.Round(250 / binHz));
        int groups = bins / perGroup;
        var energy = new double[groups];
        for (int g = 0; g < groups; g++)
        {
            energy[g] = Sum(power, active, g * perGroup, ((g + 1) * perGroup) - 1);
        }

        double peak = energy.Length == 0 ? 0 : energy.Max();
        for (int g = groups - 1; g >= 0; g--)
        {
            if (peak > 0 && energy[g] >= peak * Math.Pow(10, -BandwidthRangeDb / 10))
            {
                return (g + 1) * perGroup * binHz;
            }
        }

        return 0;
    }

    private static double Sum(double[,] power, bool[] frames, int first, int last)
    {
        double sum = 0;
        for (int f = 0; f < frames.Length; f++)
        {
            if (!frames[f])
            {
                continue;
            }

            for (int k = first; k <= last; k++)
            {
                sum += power[f, k];
            }
        }

        return sum;
    }
}
