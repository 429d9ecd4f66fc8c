using System.Globalization;
using static PercepNet.Data.Mixing.Noises.NoiseParts;

namespace PercepNet.Data.Mixing.Noises;

/// <summary>
/// Insect- and bird-like tonal noise: a chorus of voices, each a train of pulses at 5–50 Hz on a carrier between 2 and
/// 8 kHz, swept within each pulse (a bird's trill) or nearly steady (a cricket's or cicada's chirp), with a slow vibrato
/// and a weak second harmonic; some voices sing in phrases separated by silences.
/// </summary>
internal static class TonalNoise
{
    /// <summary>The lowest and highest frequency any voice's fundamental reaches.</summary>
    public const double LowestHz = 2000, HighestHz = 8000;

    /// <summary>
    /// One voice: carrier <paramref name="CentreHz"/>, <paramref name="PulseHz"/> pulses a second, each sounding for
    /// <paramref name="Duty"/> of its period under a Hann envelope while the carrier sweeps over
    /// ±<paramref name="Sweep"/>/2 of the centre (upwards or downwards); vibrato of <paramref name="VibratoDepth"/> at
    /// <paramref name="VibratoHz"/>; a second harmonic at <paramref name="HarmonicDb"/>; phrases of about
    /// <paramref name="PhraseOnSeconds"/> with silences of about <paramref name="PhraseOffSeconds"/> (0: sings on).
    /// </summary>
    public sealed record Voice(
        double CentreHz,
        double PulseHz,
        double Duty,
        double Sweep,
        bool SweepsUp,
        double VibratoHz,
        double VibratoDepth,
        double HarmonicDb,
        double PhraseOnSeconds,
        double PhraseOffSeconds,
        double LevelDb);

    /// <summary>A random voice: a third bird-like (5–25 Hz pulses, wide sweeps), the rest insect-like (15–50 Hz, narrow).</summary>
    public static Voice DrawVoice(Random random)
    {
        bool bird = random.NextDouble() < 1.0 / 3;
        double sweep = bird ? Uniform(random, 0.1, 0.5) : Uniform(random, 0, 0.06);
        double vibratoDepth = Uniform(random, 0, 0.01);
        // Keep the whole sweep and vibrato inside 2–8 kHz.
        double spread = (1 + (sweep / 2)) * (1 + vibratoDepth);
        double centre = LogUniform(random, LowestHz * spread, HighestHz / spread);
        bool phrased = random.NextDouble() < (bird ? 0.8 : 0.4);
        return new Voice(
            centre,
            bird ? LogUniform(random, 5, 25) : LogUniform(random, 15, 50),
            Uniform(random, 0.2, 0.8),
            sweep,
            random.NextDouble() < 0.5,
            Uniform(random, 2, 12),
            vibratoDepth,
            Uniform(random, -30, -12),
            phrased ? Uniform(random, 0.3, 3) : 0,
            phrased ? Uniform(random, 0.2, 2) : 0,
            Uniform(random, -10, 0));
    }

    /// <summary>A chorus of 2–12 random voices at unit RMS, named for the manifest.</summary>
    public static (float[] Signal, string Name) Draw(Random random, int length)
    {
        int count = 2 + random.Next(11);
        var voices = new Voice[count];
        for (int i = 0; i < count; i++)
        {
            voices[i] = DrawVoice(random);
        }

        float[] signal = Render(random, length, voices);
        SyntheticNoise.NormaliseRms(signal);
        return (signal, string.Create(CultureInfo.InvariantCulture, $"tonal: {count} voices"));
    }

    /// <summary>The sum of <paramref name="voices"/>, each from a random phase of its pulse train.</summary>
    public static float[] Render(Random random, int length, IReadOnlyList<Voice> voices)
    {
        var signal = new float[length];
        foreach (Voice voice in voices)
        {
            AddVoice(random, signal, voice);
        }

        return signal;
    }

    private static void AddVoice(Random random, float[] into, Voice voice)
    {
        double level = Amplitude(voice.LevelDb), harmonic = Amplitude(voice.HarmonicDb);
        double phase = 2 * Math.PI * random.NextDouble();
        double vibratoPhase = 2 * Math.PI * random.NextDouble();
        double vibratoStep = 2 * Math.PI * voice.VibratoHz / Rate;
        double pulse = random.NextDouble();
        // Each pulse's period jitters by up to ±3 %; phrases start and end only between pulses.
        double pulseStep = voice.PulseHz * (1 + (0.06 * (random.NextDouble() - 0.5))) / Rate;
        bool phrased = voice.PhraseOnSeconds > 0;
        bool singing = !phrased || random.NextDouble() < 0.5;
        int phraseLeft = phrased ? (int)(Rate * (singing ? voice.PhraseOnSeconds : voice.PhraseOffSeconds) * random.NextDouble()) : int.MaxValue;
        double direction = voice.SweepsUp ? 1 : -1;
        for (int n = 0; n < into.Length; n++)
        {
            pulse += pulseStep;
            if (pulse >= 1)
            {
                pulse -= 1;
                pulseStep = voice.PulseHz * (1 + (0.06 * (random.NextDouble() - 0.5))) / Rate;
                if (phrased && phraseLeft <= 0)
                {
                    singing = !singing;
                    double mean = singing ? voice.PhraseOnSeconds : voice.PhraseOffSeconds;
                    phraseLeft = (int)(Rate * mean * Uniform(random, 0.5, 1.5));
                }
            }

            phraseLeft--;
            double where = pulse / voice.Duty;
            double sweep = 1 + (direction * voice.Sweep * (Math.Min(where, 1) - 0.5));
            double vibrato = 1 + (voice.VibratoDepth * Math.Sin(vibratoPhase));
            vibratoPhase += vibratoStep;
            phase += 2 * Math.PI * voice.CentreHz * sweep * vibrato / Rate;
            if (phase > 2 * Math.PI)
            {
                phase -= 2 * Math.PI;
            }

            if (singing && where < 1)
            {
                double envelope = Math.Sin(Math.PI * where);
                envelope *= envelope;
                into[n] += (float)(level * envelope * (Math.Sin(phase) + (harmonic * Math.Sin(2 * phase))));
            }
        }
    }
}
