namespace PercepNet.Tests;

/// <summary>Signals with known properties, made by the tests themselves (no recorded audio needed).</summary>
internal static class SyntheticSignals
{
    public const int Rate = 48000;

    /// <summary>A voiced segment: f0 glides from <paramref name="F0Start"/> to <paramref name="F0End"/> (geometrically).</summary>
    public sealed record Segment(double Seconds, double F0Start, double F0End);

    /// <summary>
    /// Harmonics of a jittered, gliding f0 under a three-formant envelope with a −6 dB/octave tilt; the true
    /// period (in samples) at every sample is returned (0 in the silent gaps between segments).
    /// </summary>
    public static (float[] Signal, double[] Period) Voiced(IReadOnlyList<Segment> segments, int seed,
        double gapSeconds = 0.2, double jitter = 0.005, double[]? formants = null)
    {
        var random = new Random(seed);
        formants ??= [600, 1400, 2600];
        int gap = (int)(gapSeconds * Rate);
        int total = gap + segments.Sum(s => (int)(s.Seconds * Rate) + gap);
        var signal = new float[total];
        var period = new double[total];
        int position = gap;
        foreach (Segment segment in segments)
        {
            int length = (int)(segment.Seconds * Rate);
            double phase = 0;
            double jitterState = 0;
            int attack = Rate / 50;
            for (int n = 0; n < length; n++)
            {
                double progress = (double)n / length;
                double f0 = segment.F0Start * Math.Pow(segment.F0End / segment.F0Start, progress);
                // Slowly varying jitter (a first-order random walk pulled back to 0).
                jitterState = (0.999 * jitterState) + (0.045 * jitter * Gaussian(random));
                double f = f0 * (1 + jitterState);
                phase += 2 * Math.PI * f / Rate;
                double sample = 0;
                for (int h = 1; h * f0 < 5000; h++)
                {
                    sample += Envelope(h * f0, formants) * Math.Sin(h * phase) / h;
                }

                double fade = Math.Min(1.0, Math.Min(n, length - n) / (double)attack);
                signal[position + n] = (float)(0.1 * fade * sample);
                period[position + n] = Rate / f;
            }

            position += length + gap;
        }

        return (signal, period);
    }

    private static double Envelope(double frequency, double[] formants)
    {
        double a = 0.05;
        foreach (double f in formants)
        {
            double bandwidth = 80 + (0.08 * f);
            double d = (frequency - f) / bandwidth;
            a += 1.0 / (1 + (d * d));
        }

        return a;
    }

    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static float[] WhiteNoise(int length, int seed, double rms = 1)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)(rms * Gaussian(random));
        }

        return x;
    }

    /// <summary>Babble-like noise: several synthetic talkers with their own pitch contours and syllabic rhythm.</summary>
    public static float[] Babble(int length, int seed, int talkers = 6)
    {
        var random = new Random(seed);
        var sum = new float[length];
        for (int t = 0; t < talkers; t++)
        {
            double seconds = (double)length / Rate;
            double f0a = 90 + (random.NextDouble() * 160), f0b = 90 + (random.NextDouble() * 160);
            double[] formants = [400 + (random.NextDouble() * 500), 1100 + (random.NextDouble() * 900), 2300 + (random.NextDouble() * 700)];
            (float[] talker, _) = Voiced([new Segment(seconds - 0.1, f0a, f0b)], random.Next(), gapSeconds: 0.05, jitter: 0.02, formants: formants);
            double syllableRate = 3 + (random.NextDouble() * 3);
            double offset = random.NextDouble() * 2 * Math.PI;
            var breath = WhiteNoise(length, random.Next(), 0.02);
            for (int n = 0; n < length && n < talker.Length; n++)
            {
                double envelope = 0.5 + (0.5 * Math.Sin((2 * Math.PI * syllableRate * n / Rate) + offset));
                sum[n] += (float)(envelope * envelope * (talker[n] + breath[n]));
            }
        }

        return sum;
    }

    public static double Power(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += v * (double)v;
        }

        return sum / Math.Max(1, x.Length);
    }

    /// <summary>signal + noise scaled to the given SNR (by mean power over the voiced samples when a mask is given).</summary>
    public static float[] Mix(float[] signal, float[] noise, double snrDb, Func<int, bool>? active = null)
    {
        double ps = 0, pn = 0;
        int count = 0;
        for (int i = 0; i < signal.Length; i++)
        {
            if (active is null || active(i))
            {
                ps += signal[i] * (double)signal[i];
                count++;
            }

            pn += noise[i] * (double)noise[i];
        }

        ps /= Math.Max(1, count);
        pn /= signal.Length;
        double gain = Math.Sqrt(ps / (pn * Math.Pow(10, snrDb / 10)));
        var mixed = new float[signal.Length];
        for (int i = 0; i < signal.Length; i++)
        {
            mixed[i] = signal[i] + (float)(gain * noise[i]);
        }

        return mixed;
    }
}
