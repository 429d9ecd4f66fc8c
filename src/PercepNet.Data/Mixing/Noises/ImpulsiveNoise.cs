using System.Globalization;
using static PercepNet.Data.Mixing.Noises.NoiseParts;

namespace PercepNet.Data.Mixing.Noises;

/// <summary>
/// Impulsive noise: events at random (Poisson) times, each a short noise burst ringing through a few decaying
/// resonances of the object struck. One layer is one source: keys typed in bursts, mouse clicks (some double), dishes
/// and cutlery (long, high, inharmonic rings), a door (a low thump and the latch).
/// </summary>
internal static class ImpulsiveNoise
{
    public enum Source
    {
        Keyboard,
        Mouse,
        Dishes,
        Door,
    }

    /// <summary>
    /// An object's sound: <paramref name="Modes"/> resonances (Hz) with their decay times (T60, s), sounded by a burst of
    /// <paramref name="BurstSeconds"/> (T60) that is <paramref name="BurstDb"/> against the modes and differenced
    /// <paramref name="BurstDifferences"/> times (brighter clicks).
    /// </summary>
    public sealed record Body(IReadOnlyList<(double Hz, double T60)> Modes, double BurstSeconds, double BurstDb, int BurstDifferences);

    /// <summary>A random source at a rate typical of it, unit RMS, named for the manifest.</summary>
    public static (float[] Signal, string Name) Draw(Random random, int length)
    {
        var source = (Source)random.Next(4);
        double rate = source switch
        {
            Source.Keyboard => Uniform(random, 3, 12),
            Source.Mouse => Uniform(random, 0.5, 4),
            Source.Dishes => Uniform(random, 0.3, 3),
            _ => Uniform(random, 0.2, 1),
        };
        bool bursty = source == Source.Keyboard && random.NextDouble() < 0.7;
        (float[] signal, _) = Render(random, length, source, DrawBody(random, source), rate, bursty);
        SyntheticNoise.NormaliseRms(signal);
        string name = string.Create(CultureInfo.InvariantCulture, $"impulsive: {source.ToString().ToLowerInvariant()} {rate:F1}/s");
        return (signal, name);
    }

    /// <summary>The resonances and burst of a random object of the kind <paramref name="source"/>.</summary>
    public static Body DrawBody(Random random, Source source)
    {
        var modes = new List<(double, double)>();
        void Add(int count, double lowHz, double highHz, double shortest, double longest)
        {
            for (int i = 0; i < count; i++)
            {
                modes.Add((LogUniform(random, lowHz, highHz), LogUniform(random, shortest, longest)));
            }
        }

        switch (source)
        {
            case Source.Keyboard:
                Add(2 + random.Next(2), 1000, 8000, 0.01, 0.04);
                Add(1, 150, 400, 0.02, 0.05);
                return new Body(modes, LogUniform(random, 0.001, 0.004), Uniform(random, -6, 3), 1);
            case Source.Mouse:
                Add(1 + random.Next(2), 2000, 6000, 0.005, 0.015);
                return new Body(modes, LogUniform(random, 0.0005, 0.002), Uniform(random, -3, 3), 2);
            case Source.Dishes:
                Add(3 + random.Next(3), 1500, 12000, 0.15, 0.8);
                return new Body(modes, LogUniform(random, 0.0005, 0.002), Uniform(random, -12, -3), 1);
            default:
                Add(2, 60, 300, 0.08, 0.25);
                Add(1, 2000, 5000, 0.01, 0.03);
                return new Body(modes, LogUniform(random, 0.005, 0.02), Uniform(random, -6, 0), 0);
        }
    }

    /// <summary>
    /// Events of <paramref name="body"/> at <paramref name="perSecond"/> a second (Poisson; when
    /// <paramref name="bursty"/>, only within typing spells of 1–5 s separated by 0.5–3 s pauses), each at ±6 dB with its
    /// modes detuned by up to ±8 %; a mouse clicks twice 80–200 ms apart a third of the time. Returns the signal and
    /// every event's first sample; at least one event sounds.
    /// </summary>
    public static (float[] Signal, List<int> Onsets) Render(Random random, int length, Source source, Body body, double perSecond, bool bursty)
    {
        var signal = new float[length];
        List<int> onsets = PoissonOnsets(random, length, perSecond);
        if (bursty)
        {
            onsets = InSpells(random, onsets, length);
        }

        if (onsets.Count == 0 && length > 0)
        {
            // A layer is never silent: a rare source still sounds once.
            onsets.Add(random.Next(length));
        }

        if (source == Source.Mouse)
        {
            var doubled = new List<int>();
            foreach (int onset in onsets)
            {
                doubled.Add(onset);
                if (random.NextDouble() < 1.0 / 3)
                {
                    doubled.Add(onset + (int)(Uniform(random, 0.08, 0.2) * Rate));
                }
            }

            onsets = [.. doubled.Where(n => n < length).Order()];
        }

        double burst = Amplitude(body.BurstDb);
        foreach (int onset in onsets)
        {
            Span<float> tail = signal.AsSpan(onset);
            double level = Amplitude(Uniform(random, -6, 6));
            foreach ((double hz, double t60) in body.Modes)
            {
                double detuned = Math.Min(0.45 * Rate, hz * Uniform(random, 0.92, 1.08));
                AddDecayingSine(tail, detuned, t60, level * Uniform(random, 0.3, 1), 2 * Math.PI * random.NextDouble());
            }

            AddNoiseBurst(random, tail, body.BurstSeconds, level * burst, body.BurstDifferences);
        }

        return (signal, onsets);
    }

    /// <summary>The onsets that fall inside typing spells (1–5 s long, 0.5–3 s apart), the first spell at a random point.</summary>
    private static List<int> InSpells(Random random, List<int> onsets, int length)
    {
        var kept = new List<int>();
        bool typing = random.NextDouble() < 0.5;
        int edge = 0;
        foreach (int onset in onsets)
        {
            while (onset >= edge && edge < length)
            {
                typing = !typing;
                edge += (int)(Rate * (typing ? Uniform(random, 1, 5) : Uniform(random, 0.5, 3)));
            }

            if (typing)
            {
                kept.Add(onset);
            }
        }

        return kept;
    }
}
