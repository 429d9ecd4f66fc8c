using PercepNet.Dsp;

namespace PercepNet.Data.Mixing;

/// <summary>
/// Noises the recordings of the data folder lack (its manifest leaves synthetic noise to the recipe): Gaussian noise
/// with a spectral slope from brown to blue, machine hum (a harmonic series at a fixed fundamental), and a slow random
/// level trajectory that makes any noise non-stationary (passing cars, doors, a fan switching speed).
/// </summary>
internal static class SyntheticNoise
{
    private const int Rate = FrameLayout.SampleRate;
    private const int Hop = FrameLayout.HopSize;
    private const int Window = FrameLayout.WindowSize;

    /// <summary>
    /// Gaussian noise of unit RMS whose power spectral density falls by <paramref name="slopeDbPerOctave"/> per octave
    /// above 50 Hz (0 white, −3 pink, −6 brown, +3 blue), flat below. Independent random spectra are shaped,
    /// transformed and overlap-added with the power-complementary Vorbis window, so the result is stationary.
    /// </summary>
    public static float[] Coloured(Random random, int length, double slopeDbPerOctave)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var noise = new float[length];
        var fft = new RealFft(Window);
        var shape = new float[fft.BinCount];
        double exponent = slopeDbPerOctave / (20 * Math.Log10(2));
        for (int k = 1; k < shape.Length; k++)
        {
            double f = Math.Max(50.0, k * (double)Rate / Window);
            shape[k] = (float)Math.Pow(f / 1000.0, exponent);
        }

        var spectrum = new ComplexF[fft.BinCount];
        var frame = new float[Window];
        ReadOnlySpan<float> window = VorbisWindow.Frame;
        for (int start = 0; start < length + Hop; start += Hop)
        {
            for (int k = 1; k < spectrum.Length - 1; k++)
            {
                spectrum[k] = new ComplexF(shape[k] * Gaussian(random), shape[k] * Gaussian(random));
            }

            spectrum[0] = default;
            spectrum[^1] = default;
            fft.Inverse(spectrum, frame);
            // This frame covers samples [start − Hop, start + Hop): every sample gets exactly two frames.
            int from = Math.Max(0, Hop - start);
            int to = Math.Min(Window, length + Hop - start);
            for (int n = from; n < to; n++)
            {
                noise[start + n - Hop] += window[n] * frame[n];
            }
        }

        NormaliseRms(noise);
        return noise;
    }

    /// <summary>
    /// A hum of unit RMS: <paramref name="harmonics"/> sines at multiples of <paramref name="fundamentalHz"/> (up to
    /// Nyquist) with random phases and amplitudes falling as k^−<paramref name="rolloff"/>, each slowly wandering in
    /// frequency by ±0.3 % as real motors do.
    /// </summary>
    public static float[] Hum(Random random, int length, double fundamentalHz, int harmonics, double rolloff)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fundamentalHz);
        var hum = new float[length];
        double wander = 0.003 * ((2 * random.NextDouble()) - 1);
        double wanderRate = 0.05 + (0.25 * random.NextDouble());
        // The wander is common to all harmonics: computed once per sample, not once per harmonic.
        var drift = new double[length];
        for (int n = 0; n < length; n++)
        {
            drift[n] = 1 + (wander * Math.Sin(2 * Math.PI * wanderRate * n / Rate));
        }

        for (int k = 1; k <= harmonics && k * fundamentalHz * (1 + Math.Abs(wander)) < 0.45 * Rate; k++)
        {
            double amplitude = Math.Pow(k, -rolloff);
            double phase = 2 * Math.PI * random.NextDouble();
            double step = 2 * Math.PI * k * fundamentalHz / Rate;
            for (int n = 0; n < length; n++)
            {
                phase += step * drift[n];
                hum[n] += (float)(amplitude * Math.Sin(phase));
            }
        }

        NormaliseRms(hum);
        return hum;
    }

    /// <summary>
    /// Multiplies <paramref name="noise"/> by a smooth random level: knots every 0.3–2 s at levels uniform in
    /// [−<paramref name="depthDb"/>, 0] dB, joined linearly in dB.
    /// </summary>
    public static void Modulate(Random random, float[] noise, double depthDb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depthDb);
        int position = 0;
        double level = -depthDb * random.NextDouble();
        while (position < noise.Length)
        {
            int span = (int)((0.3 + (1.7 * random.NextDouble())) * Rate);
            double next = -depthDb * random.NextDouble();
            for (int i = 0; i < span && position + i < noise.Length; i++)
            {
                double db = level + ((next - level) * i / span);
                noise[position + i] *= (float)Math.Pow(10, db / 20);
            }

            position += span;
            level = next;
        }
    }

    /// <summary>Scales <paramref name="x"/> to unit RMS (left alone when silent).</summary>
    public static void NormaliseRms(float[] x)
    {
        float gain = UnitRmsGain(x);
        if (gain != 1f)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] *= gain;
            }
        }
    }

    /// <summary>The gain that brings <paramref name="x"/> to unit RMS (1 when silent).</summary>
    public static float UnitRmsGain(ReadOnlySpan<float> x)
    {
        double power = 0;
        foreach (float v in x)
        {
            power += (double)v * v;
        }

        return power > 0 ? (float)Math.Sqrt(x.Length / power) : 1f;
    }

    public static float Gaussian(Random random)
    {
        // Box–Muller; 1 − U keeps the logarithm finite.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
