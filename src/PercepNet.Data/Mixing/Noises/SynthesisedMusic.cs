using System.Globalization;
using static PercepNet.Data.Mixing.Noises.NoiseParts;

namespace PercepNet.Data.Mixing.Noises;

/// <summary>
/// Background music made by our own synthesiser: a four-chord progression in a random major or minor key at 70–160
/// beats a minute, played by a bass (one note a beat), a chord instrument (a triad a bar, held or struck on each beat)
/// and a melody (eighth notes of the scale), each an additive timbre of its own (harmonic count, roll-off, attack and
/// decay), over a drum kit: kick on beats 1 and 3, snare on 2 and 4, hi-hat on every eighth.
/// </summary>
internal static class SynthesisedMusic
{
    private static readonly int[] Major = [0, 2, 4, 5, 7, 9, 11];
    private static readonly int[] Minor = [0, 2, 3, 5, 7, 8, 10];
    private static readonly int[][] Progressions = [[0, 4, 5, 3], [0, 5, 3, 4], [0, 3, 4, 0], [5, 3, 0, 4], [0, 3, 5, 4]];

    /// <summary>An instrument's sound: harmonics, their roll-off (k^−rolloff), attack, decay T60 and whether it is held.</summary>
    private sealed record Timbre(int Harmonics, double Rolloff, double AttackSeconds, double T60, bool Held, double VibratoDepth);

    /// <summary>A random piece at unit RMS, named for the manifest.</summary>
    public static (float[] Signal, string Name) Draw(Random random, int length)
    {
        double tempo = Uniform(random, 70, 160);
        float[] signal = Render(random, length, tempo, percussion: true);
        SyntheticNoise.NormaliseRms(signal);
        return (signal, string.Create(CultureInfo.InvariantCulture, $"music: {tempo:F0} BPM"));
    }

    /// <summary>A piece at <paramref name="tempoBpm"/>, with or without the drum kit (not normalised).</summary>
    public static float[] Render(Random random, int length, double tempoBpm, bool percussion)
    {
        var signal = new float[length];
        int beat = (int)Math.Round(60.0 / tempoBpm * Rate);
        int root = 40 + random.Next(12);
        int[] scale = random.NextDouble() < 0.5 ? Major : Minor;
        int[] progression = Progressions[random.Next(Progressions.Length)];
        Timbre bass = DrawTimbre(random, held: false), chords = DrawTimbre(random, held: random.NextDouble() < 0.5), melody = DrawTimbre(random, held: random.NextDouble() < 0.5);
        double bassLevel = Amplitude(Uniform(random, -8, 0)), chordLevel = Amplitude(Uniform(random, -10, -2)), melodyLevel = Amplitude(Uniform(random, -8, 0));
        bool strum = !chords.Held;
        int start = -random.Next(4 * beat);
        int melodyNote = random.Next(scale.Length);
        for (int bar = 0; start + (bar * 4 * beat) < length; bar++)
        {
            int barStart = start + (bar * 4 * beat);
            int degree = progression[bar % progression.Length];
            int chordRoot = root + scale[degree];
            int[] triad = [.. new[] { 0, 2, 4 }.Select(step => root + 12 + Degree(scale, degree + step))];
            for (int b = 0; b < 4; b++)
            {
                int beatStart = barStart + (b * beat);
                AddNote(random, signal, beatStart, beat, Midi(chordRoot - 12 + (b % 2 == 1 && random.NextDouble() < 0.4 ? 7 : 0)), bass, bassLevel);
                if (strum || b == 0)
                {
                    foreach (int note in triad)
                    {
                        AddNote(random, signal, beatStart, strum ? beat : 4 * beat, Midi(note + 12) * Uniform(random, 0.998, 1.002), chords, chordLevel / 2);
                    }
                }

                for (int half = 0; half < 2; half++)
                {
                    if (random.NextDouble() < 0.7)
                    {
                        melodyNote = Math.Clamp(melodyNote + random.Next(-2, 3), 0, 2 * scale.Length);
                        AddNote(random, signal, beatStart + (half * beat / 2), beat / 2, Midi(root + 24 + Degree(scale, melodyNote)), melody, melodyLevel);
                    }
                }

                if (percussion)
                {
                    AddDrums(random, signal, beatStart, beat, b);
                }
            }
        }

        return signal;
    }

    private static Timbre DrawTimbre(Random random, bool held) => new(
        2 + random.Next(9),
        Uniform(random, 0.7, 2),
        held ? LogUniform(random, 0.02, 0.1) : LogUniform(random, 0.002, 0.01),
        held ? LogUniform(random, 1.5, 4) : LogUniform(random, 0.3, 1.5),
        held,
        held ? Uniform(random, 0, 0.003) : 0);

    /// <summary>The semitone offset of a scale degree, counting octaves for degrees past the seventh.</summary>
    private static int Degree(int[] scale, int degree) => (12 * (degree / scale.Length)) + scale[degree % scale.Length];

    private static double Midi(int note) => Midi((double)note);

    private static double Midi(double note) => 440 * Math.Pow(2, (note - 69) / 12);

    /// <summary>
    /// One note from <paramref name="at"/> for <paramref name="duration"/> samples (a held note then releases over 30 ms;
    /// a struck one rings on with its decay): its harmonics up to 16 kHz, each at a random phase.
    /// </summary>
    private static void AddNote(Random random, float[] into, int at, int duration, double hz, Timbre timbre, double level)
    {
        int release = Rate * 3 / 100;
        int end = timbre.Held ? at + duration + release : at + (int)(timbre.T60 * Rate);
        int from = Math.Max(0, at), to = Math.Min(into.Length, end);
        if (from >= to)
        {
            return;
        }

        double decay = Math.Pow(10, -3.0 / (timbre.T60 * Rate));
        double vibratoStep = 2 * Math.PI * 5.5 / Rate;
        for (int k = 1; k <= timbre.Harmonics && k * hz < 16000; k++)
        {
            double amplitude = level * Math.Pow(k, -timbre.Rolloff);
            double phase = 2 * Math.PI * random.NextDouble();
            double step = 2 * Math.PI * k * hz / Rate;
            double envelope = amplitude * Math.Pow(decay, from - at);
            for (int n = from; n < to; n++)
            {
                int t = n - at;
                double attack = t < timbre.AttackSeconds * Rate ? t / (timbre.AttackSeconds * Rate) : 1;
                double fade = timbre.Held && t > duration ? 1 - ((t - duration) / (double)release) : 1;
                double vibrato = timbre.VibratoDepth > 0 ? 1 + (timbre.VibratoDepth * Math.Sin(vibratoStep * t)) : 1;
                into[n] += (float)(envelope * attack * fade * Math.Sin(phase));
                phase += step * vibrato;
                envelope *= decay;
            }
        }
    }

    /// <summary>The kit on beat <paramref name="index"/> of a bar: kick on 1 and 3, snare on 2 and 4, hi-hat on both eighths.</summary>
    private static void AddDrums(Random random, float[] into, int at, int beat, int index)
    {
        void Hit(int when, Action<Span<float>> sound)
        {
            if (when >= 0 && when < into.Length)
            {
                sound(into.AsSpan(when));
            }
        }

        if (index % 2 == 0)
        {
            // Kick: a low sine whose pitch falls from about 150 Hz in the first 30 ms.
            Hit(at, tail =>
            {
                double phase = 0;
                int n = Math.Min(tail.Length, Rate / 3);
                for (int i = 0; i < n; i++)
                {
                    double t = i / (double)Rate;
                    phase += 2 * Math.PI * (50 + (100 * Math.Exp(-t / 0.03))) / Rate;
                    tail[i] += (float)(0.8 * Math.Exp(-t / 0.08) * Math.Sin(phase));
                }
            });
        }
        else
        {
            // Snare: a bright noise burst over a 200 Hz body.
            Hit(at, tail =>
            {
                AddNoiseBurst(random, tail, 0.25, 0.35, differences: 1);
                AddDecayingSine(tail, 190, 0.15, 0.3, 0);
            });
        }

        for (int half = 0; half < 2; half++)
        {
            double t60 = random.NextDouble() < 0.1 ? 0.3 : 0.06;
            Hit(at + (half * beat / 2), tail => AddNoiseBurst(random, tail, t60, 0.2, differences: 2));
        }
    }
}
