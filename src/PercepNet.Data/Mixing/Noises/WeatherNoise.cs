using System.Globalization;
using static PercepNet.Data.Mixing.Noises.NoiseParts;

namespace PercepNet.Data.Mixing.Noises;

/// <summary>
/// Wind and rain. Wind on a microphone is a low, gusty rumble (steep noise under a low-pass, its level following
/// gusts), sometimes with a whistle where air passes an edge. Rain is many drops at random times, each a short decaying
/// ring between 1 and 10 kHz (the bubble a drop traps), over a bed of noise where drops are too many to hear apart.
/// </summary>
internal static class WeatherNoise
{
    /// <summary>Wind, rain, or both (wind under rain), at unit RMS, named for the manifest.</summary>
    public static (float[] Signal, string Name) Draw(Random random, int length)
    {
        int kind = random.Next(3);
        string name;
        float[] signal;
        if (kind == 0)
        {
            double corner = LogUniform(random, 100, 1000);
            signal = Wind(random, length, corner, Uniform(random, 6, 25), random.NextDouble() < 0.3);
            name = string.Create(CultureInfo.InvariantCulture, $"weather: wind below {corner:F0} Hz");
        }
        else
        {
            double drops = LogUniform(random, 50, 3000);
            (signal, _) = Rain(random, length, drops, Uniform(random, -25, -5));
            name = string.Create(CultureInfo.InvariantCulture, $"weather: rain {drops:F0} drops/s");
            if (kind == 2)
            {
                float[] wind = Wind(random, length, LogUniform(random, 100, 600), Uniform(random, 6, 20), whistle: false);
                SyntheticNoise.NormaliseRms(signal);
                double gain = Amplitude(Uniform(random, -12, 0));
                for (int n = 0; n < length; n++)
                {
                    signal[n] += (float)(gain * wind[n]);
                }

                name += " with wind";
            }
        }

        SyntheticNoise.NormaliseRms(signal);
        return (signal, name);
    }

    /// <summary>
    /// Wind: noise falling 6 dB per octave, under a 4th-order low-pass at <paramref name="cornerHz"/>, its level moving
    /// in gusts (knots every 0.2–1.5 s) over <paramref name="gustDepthDb"/>; with <paramref name="whistle"/>, a narrow
    /// band at 400–2000 Hz following the same gusts. Unit RMS.
    /// </summary>
    public static float[] Wind(Random random, int length, double cornerHz, double gustDepthDb, bool whistle)
    {
        float[] signal = SyntheticNoise.Coloured(random, length, -6);
        new LowPassFilter(cornerHz, Rate).Apply(signal);
        SyntheticNoise.NormaliseRms(signal);
        if (whistle)
        {
            // White noise through a resonance with a 0.2 s ring: a band a few hertz wide.
            double hz = LogUniform(random, 400, 2000), level = Amplitude(Uniform(random, -15, -5));
            double r = Math.Pow(10, -3.0 / (0.2 * Rate)), c = 2 * r * Math.Cos(2 * Math.PI * hz / Rate);
            var tone = new float[length];
            double y1 = 0, y2 = 0;
            for (int n = 0; n < length; n++)
            {
                double y = SyntheticNoise.Gaussian(random) + (c * y1) - (r * r * y2);
                (y2, y1) = (y1, y);
                tone[n] = (float)y;
            }

            SyntheticNoise.NormaliseRms(tone);
            for (int n = 0; n < length; n++)
            {
                signal[n] += (float)(level * tone[n]);
            }
        }

        double[] gusts = SmoothTrajectory(random, length, 0.2, 1.5);
        for (int n = 0; n < length; n++)
        {
            signal[n] *= (float)Amplitude(gustDepthDb * ((gusts[n] - 1) / 2));
        }

        SyntheticNoise.NormaliseRms(signal);
        return signal;
    }

    /// <summary>
    /// Rain: <paramref name="dropsPerSecond"/> drops (Poisson), each a ring at 1–10 kHz (log-uniform) decaying within
    /// 3–20 ms at a level spread over ±10 dB, plus a bed of noise (slope −2 to +1 dB/octave) at <paramref name="bedDb"/>
    /// against the drops (below −60: none). Returns the signal (not normalised) and every drop's first sample.
    /// </summary>
    public static (float[] Signal, List<int> Drops) Rain(Random random, int length, double dropsPerSecond, double bedDb)
    {
        var signal = new float[length];
        List<int> drops = PoissonOnsets(random, length, dropsPerSecond);
        foreach (int at in drops)
        {
            AddDecayingSine(signal.AsSpan(at), LogUniform(random, 1000, 10000), LogUniform(random, 0.003, 0.02),
                Amplitude(Uniform(random, -10, 10)), 2 * Math.PI * random.NextDouble());
        }

        if (bedDb > -60)
        {
            // The bed's level is relative to the drops' RMS.
            double dropsRms = 1.0 / SyntheticNoise.UnitRmsGain(signal);
            float[] bed = SyntheticNoise.Coloured(random, length, Uniform(random, -2, 1));
            double level = Amplitude(bedDb) * dropsRms;
            for (int n = 0; n < length; n++)
            {
                signal[n] += (float)(level * bed[n]);
            }
        }

        return (signal, drops);
    }
}
