using PercepNet.Dsp;

namespace PercepNet.Data.Mixing.Noises;

/// <summary>Building blocks the procedural noise families share: decaying partials and slow random trajectories.</summary>
internal static class NoiseParts
{
    public const int Rate = FrameLayout.SampleRate;

    /// <summary>
    /// Adds <paramref name="amplitude"/>·10^(−3t/T60)·sin(2π·f·t + φ) to <paramref name="into"/> from its first sample,
    /// for as long as the partial stays above −80 dB (a recursive rotation: no sine per sample).
    /// </summary>
    public static void AddDecayingSine(Span<float> into, double hz, double t60Seconds, double amplitude, double phase)
    {
        double r = Math.Pow(10, -3.0 / (t60Seconds * Rate));
        int length = Math.Min(into.Length, (int)Math.Ceiling(t60Seconds * 80 / 60 * Rate) + 1);
        double w = 2 * Math.PI * hz / Rate;
        double stepRe = r * Math.Cos(w), stepIm = r * Math.Sin(w);
        double re = amplitude * Math.Cos(phase), im = amplitude * Math.Sin(phase);
        for (int n = 0; n < length; n++)
        {
            into[n] += (float)im;
            (re, im) = ((re * stepRe) - (im * stepIm), (re * stepIm) + (im * stepRe));
        }
    }

    /// <summary>
    /// Adds a burst of Gaussian noise decaying as 10^(−3t/T60) to <paramref name="into"/>, differenced
    /// <paramref name="differences"/> times (each first difference tilts it up by 6 dB per octave: clicks, hi-hats).
    /// </summary>
    public static void AddNoiseBurst(Random random, Span<float> into, double t60Seconds, double amplitude, int differences = 0)
    {
        double r = Math.Pow(10, -3.0 / (t60Seconds * Rate));
        int length = Math.Min(into.Length, (int)Math.Ceiling(t60Seconds * 80 / 60 * Rate) + 1);
        double envelope = amplitude, previous = 0, previous2 = 0;
        for (int n = 0; n < length; n++)
        {
            double x = envelope * SyntheticNoise.Gaussian(random);
            double y = differences switch { 0 => x, 1 => x - previous, _ => x - (2 * previous) + previous2 };
            previous2 = previous;
            previous = x;
            into[n] += (float)(y / (1 << Math.Min(differences, 2)));
            envelope *= r;
        }
    }

    /// <summary>
    /// A smooth random trajectory in [−1, 1]: knots uniform in [−1, 1] every <paramref name="minKnotSeconds"/> to
    /// <paramref name="maxKnotSeconds"/>, joined by raised-cosine segments (no corners, so no clicks where it drives a
    /// level or a frequency).
    /// </summary>
    public static double[] SmoothTrajectory(Random random, int length, double minKnotSeconds, double maxKnotSeconds)
    {
        var path = new double[length];
        double level = (2 * random.NextDouble()) - 1;
        int position = 0;
        while (position < length)
        {
            int span = Math.Max(1, (int)((minKnotSeconds + ((maxKnotSeconds - minKnotSeconds) * random.NextDouble())) * Rate));
            double next = (2 * random.NextDouble()) - 1;
            for (int i = 0; i < span && position + i < length; i++)
            {
                double blend = 0.5 - (0.5 * Math.Cos(Math.PI * i / span));
                path[position + i] = level + ((next - level) * blend);
            }

            position += span;
            level = next;
        }

        return path;
    }

    /// <summary>Onset samples of a Poisson process of <paramref name="perSecond"/> events a second over <paramref name="length"/> samples.</summary>
    public static List<int> PoissonOnsets(Random random, int length, double perSecond)
    {
        var onsets = new List<int>();
        double t = 0;
        while (true)
        {
            t += -Math.Log(1.0 - random.NextDouble()) / perSecond;
            int n = (int)(t * Rate);
            if (n >= length)
            {
                return onsets;
            }

            onsets.Add(n);
        }
    }

    /// <summary>A value log-uniform between <paramref name="low"/> and <paramref name="high"/>.</summary>
    public static double LogUniform(Random random, double low, double high) => low * Math.Pow(high / low, random.NextDouble());

    /// <summary>A value uniform between <paramref name="low"/> and <paramref name="high"/>.</summary>
    public static double Uniform(Random random, double low, double high) => low + ((high - low) * random.NextDouble());

    /// <summary>10^(dB/20).</summary>
    public static double Amplitude(double db) => Math.Pow(10, db / 20);
}

/// <summary>The procedural noise families of the mixing recipe, each with its own share of the noise layers.</summary>
internal enum NoiseFamily
{
    Stationary,
    Tonal,
    Impulsive,
    Music,
    Vehicle,
    Weather,
}
