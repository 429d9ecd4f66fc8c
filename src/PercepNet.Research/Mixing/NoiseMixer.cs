namespace PercepNet.Mixing;

internal enum LoudnessMeasure
{
    /// <summary>Active speech level (see <see cref="SpeechLevel.ActivePower"/>); noise by plain RMS.</summary>
    ActiveSpeech,

    /// <summary>Plain RMS of both signals.</summary>
    Rms,
}

/// <summary>
/// Reproducible speech + noise mixing: the noise starts at an offset drawn from the seed (and wraps around when
/// shorter than the speech), is scaled to the requested SNR, and if the mixture would clip, mixture and clean
/// are scaled down together so their relation is kept.
/// </summary>
internal static class NoiseMixer
{
    public sealed record Result(float[] Noisy, float[] Clean, int NoiseOffset, double NoiseGain, double OutputGain);

    public static Result Mix(ReadOnlySpan<float> speech, ReadOnlySpan<float> noise, double snrDb, int seed,
        int sampleRate, LoudnessMeasure measure = LoudnessMeasure.ActiveSpeech)
    {
        if (speech.Length == 0 || noise.Length == 0)
        {
            throw new ArgumentException("Speech and noise must not be empty.");
        }

        int offset = new Random(seed).Next(noise.Length);
        var looped = new float[speech.Length];
        for (int i = 0; i < looped.Length; i++)
        {
            looped[i] = noise[(offset + i) % noise.Length];
        }

        double speechPower = measure == LoudnessMeasure.ActiveSpeech
            ? SpeechLevel.ActivePower(speech, sampleRate)
            : SpeechLevel.RmsPower(speech);
        double noisePower = SpeechLevel.RmsPower(looped);
        if (!(speechPower > 0))
        {
            throw new ArgumentException("The speech is silent.");
        }

        if (!(noisePower > 0))
        {
            throw new ArgumentException("The noise is silent.");
        }

        double noiseGain = Math.Sqrt(speechPower / (noisePower * Math.Pow(10, snrDb / 10)));
        var noisy = new float[speech.Length];
        var clean = speech.ToArray();
        float peak = 0;
        for (int i = 0; i < noisy.Length; i++)
        {
            noisy[i] = clean[i] + (float)(noiseGain * looped[i]);
            peak = MathF.Max(peak, MathF.Abs(noisy[i]));
        }

        double outputGain = peak > 0.99f ? 0.99 / peak : 1.0;
        if (outputGain < 1)
        {
            for (int i = 0; i < noisy.Length; i++)
            {
                noisy[i] = (float)(noisy[i] * outputGain);
                clean[i] = (float)(clean[i] * outputGain);
            }
        }

        return new Result(noisy, clean, offset, noiseGain, outputGain);
    }
}
