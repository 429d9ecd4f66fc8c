using PercepNet.Audio;
using PercepNet.Data.Mixing.Noises;
using PercepNet.Data.Rooms;
using PercepNet.Dsp;
using PercepNet.Mixing;

namespace PercepNet.Data.Mixing;

/// <summary>
/// Makes the training mixtures of DESIGN §9 from a catalog's clips, each segment entirely determined by (seed, split,
/// index): utterances joined with short pauses at a random level (peak −40 to −1 dBFS), half of them played up to 15 %
/// faster or slower, random second-order filters on speech and on noise (and, in the recipe's share, a high-shelf cut
/// on noise), one to three noise layers (recordings, synthetic noise or babble, some with a wandering level) at an SNR
/// from −5 to 45 dB (most mass in 0–20 dB), some speech-only and noise-only segments, random low-pass, occasional
/// clipping, and reverberation from the image-source simulator or a real response, where the target keeps the direct
/// path and early reflections only.
/// </summary>
internal sealed class MixtureGenerator(SourceCatalog catalog, IReadOnlyList<SpeechClip> speech, IReadOnlyList<NoiseClip> noise, MixtureRecipe recipe)
{
    private const int Rate = FrameLayout.SampleRate;

    private readonly SpeechClip[] _fullbandSpeech = [.. speech.Where(c => c.BandwidthHz >= recipe.FullbandMinHz)];

    public MixtureRecipe Recipe { get; } = recipe;

    /// <summary>
    /// The mixture of (<paramref name="seed"/>, <paramref name="split"/>, <paramref name="index"/>). A given
    /// <paramref name="snrDb"/> replaces the drawn speech-to-noise ratio (every random draw is still made, so the rest of
    /// the mixture is the one the dataset would hold).
    /// </summary>
    public Mixture Generate(int seed, int split, int index, double? snrDb = null)
    {
        var random = new Random(StableSeed(seed, split, index));
        int length = (int)(Recipe.SegmentSeconds * Rate);
        double u = random.NextDouble();
        bool hasSpeech = u >= Recipe.NoiseOnlyFraction;
        bool hasNoise = u < Recipe.NoiseOnlyFraction || u >= Recipe.NoiseOnlyFraction + Recipe.SpeechOnlyFraction;

        var speechUsed = new List<string>();
        float[] dry = new float[length];
        double bandwidth = Rate / 2.0;
        if (hasSpeech && speech.Count > 0)
        {
            // The extra draw only when asked for, so that datasets built without it stay bit-identical.
            bool fullbandOnly = Recipe.FullbandSegmentFraction > 0 && _fullbandSpeech.Length > 0
                && random.NextDouble() < Recipe.FullbandSegmentFraction;
            (dry, bandwidth) = JoinUtterances(random, length, speechUsed, fullbandOnly ? _fullbandSpeech : speech);
            double peakDb = -40 + (39 * random.NextDouble());
            Normalise(dry, Math.Pow(10, peakDb / 20));
            RandomBiquad(random).Apply(dry);
        }
        else
        {
            hasSpeech = false;
        }

        // Reverberation: the input hears the whole response, the target only its early part.
        float[] reverberant = dry, target = dry;
        string room = "none";
        double rt60 = 0;
        if (hasSpeech && random.NextDouble() < Recipe.ReverbFraction)
        {
            float[]? h = null;
            if (catalog.RoomImpulseResponses.Count > 0 && random.NextDouble() < Recipe.RealRirFraction)
            {
                string path = catalog.RoomImpulseResponses[random.Next(catalog.RoomImpulseResponses.Count)];
                h = catalog.Audio48k(path);
                room = DatasetSplit.Relative(catalog, path);
            }

            if (h is null)
            {
                (h, room, rt60) = RandomRoom(random);
            }

            int direct = PeakIndex(h);
            reverberant = FftConvolver.Convolve(dry, h);
            target = FftConvolver.Convolve(dry, EarlyPart(h, direct));
            // The direct sound at lag 0 in both, so that target and input stay aligned.
            reverberant = Shift(reverberant, direct);
            target = Shift(target, direct);
        }

        var noiseUsed = new List<string>();
        float[] noiseSum = new float[length];
        double snr = double.PositiveInfinity;
        if (hasNoise && noise.Count > 0)
        {
            int count = random.NextDouble() < 0.7 ? 1 : random.NextDouble() < 0.67 ? 2 : 3;
            for (int i = 0; i < count; i++)
            {
                float[]? part = NoiseLayer(random, length, noiseUsed, out bool exact);
                if (part is null)
                {
                    continue;
                }

                // Stationary-family layers keep their exact slope and level: no colouring, cut or modulation.
                if (!exact)
                {
                    RandomBiquad(random).Apply(part);
                    // The extra draw only when asked for, so that datasets built without it stay bit-identical.
                    if (Recipe.NoiseTopCutFraction > 0 && random.NextDouble() < Recipe.NoiseTopCutFraction)
                    {
                        double corner = 4000 * Math.Pow(3, random.NextDouble());
                        double depth = 10 + (20 * random.NextDouble());
                        Biquad.HighShelf(corner, -depth, Rate).Apply(part);
                    }

                    if (Recipe.NoiseModulationFraction > 0 && random.NextDouble() < Recipe.NoiseModulationFraction)
                    {
                        SyntheticNoise.Modulate(random, part, 3 + (17 * random.NextDouble()));
                    }
                }

                for (int n = 0; n < length; n++)
                {
                    noiseSum[n] += part[n];
                }
            }

            double noisePower = SpeechLevel.RmsPower(noiseSum);
            if (noisePower > 0)
            {
                double scale;
                if (hasSpeech)
                {
                    snr = DrawSnr(random);
                    snr = snrDb ?? snr;
                    double speechPower = SpeechLevel.ActivePower(reverberant, Rate);
                    scale = Math.Sqrt(speechPower / (noisePower * Math.Pow(10, snr / 10)));
                }
                else
                {
                    // Noise alone at a random level (RMS −50 to −10 dBFS).
                    scale = Math.Pow(10, (-50 + (40 * random.NextDouble())) / 20) / Math.Sqrt(noisePower);
                }

                for (int n = 0; n < length; n++)
                {
                    noiseSum[n] = (float)(noiseSum[n] * scale);
                }
            }
        }

        var noisy = new float[length];
        for (int n = 0; n < length; n++)
        {
            noisy[n] = reverberant[n] + noiseSum[n];
        }

        target = target.Length == length ? (float[])target.Clone() : target[..length];
        double lowPass = Rate / 2.0;
        if (random.NextDouble() < Recipe.LowPassFraction)
        {
            // Band-limited capture: 3 kHz to 20 kHz, log-uniform.
            lowPass = 3000 * Math.Pow(20000 / 3000.0, random.NextDouble());
            var filter = new LowPassFilter(lowPass, Rate);
            filter.Apply(noisy);
            new LowPassFilter(lowPass, Rate).Apply(target);
        }

        bool clipped = false;
        bool clipSegment = random.NextDouble() < Recipe.ClippingFraction;
        float mixturePeak = noisy.Length == 0 ? 0 : noisy.Max(MathF.Abs);
        if (!clipSegment && mixturePeak > 0.99f)
        {
            // A recording cannot exceed full scale: scale input and target down together.
            float down = 0.99f / mixturePeak;
            for (int n = 0; n < length; n++)
            {
                noisy[n] *= down;
                target[n] *= down;
            }
        }

        if (clipSegment)
        {
            float peak = noisy.Max(MathF.Abs);
            if (peak > 0)
            {
                float drive = (float)((1.2 + random.NextDouble()) / peak);
                for (int n = 0; n < length; n++)
                {
                    noisy[n] = Math.Clamp(noisy[n] * drive, -1f, 1f);
                    target[n] *= drive;
                }

                clipped = true;
            }
        }

        var info = new MixtureInfo(speechUsed, noiseUsed, snr, hasSpeech, noiseUsed.Count > 0, room, rt60, lowPass,
            hasSpeech ? Math.Min(bandwidth, lowPass) : 0, clipped);
        return new Mixture(noisy, target, info);
    }

    /// <summary>
    /// One noise layer at a random gain (0 to −12 dB): a recording from a random offset (looped), or, in the recipe's
    /// shares, synthetic noise, babble or one of the procedural families; its name goes into <paramref name="used"/>.
    /// <paramref name="exact"/> is set for a stationary-family layer, whose spectrum must not be coloured. Null when the
    /// recording cannot be read.
    /// </summary>
    private float[]? NoiseLayer(Random random, int length, List<string> used, out bool exact)
    {
        exact = false;
        double kind = Recipe.GeneratedNoiseFraction > 0 ? random.NextDouble() : 1;
        float[] part;
        NoiseFamily? family = kind >= Recipe.SyntheticNoiseFraction + Recipe.BabbleFraction
            ? ProceduralFamily(kind - (Recipe.SyntheticNoiseFraction + Recipe.BabbleFraction))
            : null;
        if (kind < Recipe.SyntheticNoiseFraction)
        {
            part = Synthetic(random, length, used);
        }
        else if (kind < Recipe.SyntheticNoiseFraction + Recipe.BabbleFraction && speech.Count > 0)
        {
            part = Babble(random, length, used);
        }
        else if (family is { } chosen)
        {
            (part, string name) = chosen switch
            {
                NoiseFamily.Stationary => Stationary(random, length),
                NoiseFamily.Tonal => TonalNoise.Draw(random, length),
                NoiseFamily.Impulsive => ImpulsiveNoise.Draw(random, length),
                NoiseFamily.Music => SynthesisedMusic.Draw(random, length),
                NoiseFamily.Vehicle => VehicleNoise.Draw(random, length),
                _ => WeatherNoise.Draw(random, length),
            };
            ToLayerLevel(part);
            used.Add(name);
            exact = chosen == NoiseFamily.Stationary;
        }
        else
        {
            NoiseClip clip = noise[random.Next(noise.Count)];
            float[]? audio = catalog.Audio48k(clip.Path);
            if (audio is null || audio.Length == 0)
            {
                return null;
            }

            used.Add(DatasetSplit.Relative(catalog, clip.Path));
            int offset = random.Next(audio.Length);
            part = new float[length];
            for (int n = 0; n < length; n++)
            {
                part[n] = audio[(offset + n) % audio.Length];
            }
        }

        float gain = (float)Math.Pow(10, -12 * random.NextDouble() / 20);
        for (int n = 0; n < length; n++)
        {
            part[n] *= gain;
        }

        return part;
    }

    /// <summary>
    /// The procedural family whose share of the layers holds <paramref name="position"/> (measured from the end of the
    /// synthetic and babble shares), or null where it falls among the recordings.
    /// </summary>
    private NoiseFamily? ProceduralFamily(double position)
    {
        foreach ((NoiseFamily family, double share) in new[]
        {
            (NoiseFamily.Stationary, Recipe.StationaryNoiseFraction),
            (NoiseFamily.Tonal, Recipe.TonalNoiseFraction),
            (NoiseFamily.Impulsive, Recipe.ImpulsiveNoiseFraction),
            (NoiseFamily.Music, Recipe.MusicFraction),
            (NoiseFamily.Vehicle, Recipe.VehicleNoiseFraction),
            (NoiseFamily.Weather, Recipe.WeatherNoiseFraction),
        })
        {
            if (position < share)
            {
                return family;
            }

            position -= share;
        }

        return null;
    }

    /// <summary>Stationary noise with an exact slope: flat white to 24 kHz a third of the time, else −9 to +6 dB per octave.</summary>
    private static (float[] Signal, string Name) Stationary(Random random, int length)
    {
        double slope = random.NextDouble() < 1.0 / 3 ? 0 : -9 + (15 * random.NextDouble());
        string name = slope == 0 ? "stationary: white"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stationary: {slope:F1} dB/octave");
        return (SyntheticNoise.Coloured(random, length, slope), name);
    }

    /// <summary>Coloured Gaussian noise, or machine hum over a coloured floor 10–25 dB below it.</summary>
    private static float[] Synthetic(Random random, int length, List<string> used)
    {
        double slope = -7 + (10 * random.NextDouble());
        float[] part = SyntheticNoise.Coloured(random, length, slope);
        string name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"synthetic: {slope:F1} dB/octave");
        if (random.NextDouble() < 1.0 / 3)
        {
            double f0 = random.NextDouble() < 0.3 ? (random.NextDouble() < 0.5 ? 50 : 60) * (1 + random.Next(2))
                : 80 * Math.Pow(1000 / 80.0, random.NextDouble());
            int harmonics = 1 + random.Next(20);
            float[] hum = SyntheticNoise.Hum(random, length, f0, harmonics, 0.5 + (1.5 * random.NextDouble()));
            float floor = (float)Math.Pow(10, -(10 + (15 * random.NextDouble())) / 20);
            for (int n = 0; n < length; n++)
            {
                part[n] = hum[n] + (floor * part[n]);
            }

            name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"synthetic: hum {f0:F0} Hz × {harmonics}");
        }

        ToLayerLevel(part);
        used.Add(name);
        return part;
    }

    /// <summary>3–8 talkers of the split's speech, each a stream of utterances from a random point, at ±6 dB.</summary>
    private float[] Babble(Random random, int length, List<string> used)
    {
        var part = new float[length];
        int talkers = 3 + random.Next(6);
        for (int t = 0; t < talkers; t++)
        {
            float gain = (float)Math.Pow(10, (-6 + (12 * random.NextDouble())) / 20);
            int position = -random.Next(2 * Rate);
            for (int attempts = 0; position < length && attempts < 50; attempts++)
            {
                float[]? samples = catalog.Audio48k(speech[random.Next(speech.Count)].Path);
                if (samples is null || samples.Length == 0)
                {
                    continue;
                }

                float unit = SyntheticNoise.UnitRmsGain(samples);
                for (int i = Math.Max(0, -position); i < samples.Length && position + i < length; i++)
                {
                    part[position + i] += gain * (samples[i] * unit);
                }

                position += samples.Length;
            }
        }

        ToLayerLevel(part);
        used.Add($"babble: {talkers} talkers");
        return part;
    }

    /// <summary>Synthetic and babble layers at −26 dBFS RMS, about where the recordings lie.</summary>
    private static void ToLayerLevel(float[] part)
    {
        SyntheticNoise.NormaliseRms(part);
        for (int n = 0; n < part.Length; n++)
        {
            part[n] *= 0.05f;
        }
    }

    /// <summary>A seed for (seed, split, index) that is the same on every run and machine.</summary>
    public static int StableSeed(int seed, int split, int index)
    {
        ulong h = 1469598103934665603UL;
        foreach (int v in new[] { seed, split, index })
        {
            h = (h ^ (uint)v) * 1099511628211UL;
            h ^= h >> 29;
        }

        return (int)(h & int.MaxValue);
    }

    private (float[] Audio, double Bandwidth) JoinUtterances(Random random, int length, List<string> used, IReadOnlyList<SpeechClip> clips)
    {
        var audio = new float[length];
        double bandwidth = Rate / 2.0;
        int position = (int)(random.NextDouble() * 0.3 * Rate);
        for (int attempts = 0; position < length && attempts < 50; attempts++)
        {
            SpeechClip clip = clips[random.Next(clips.Count)];
            float[]? samples = catalog.Audio48k(clip.Path);
            if (samples is null || samples.Length == 0)
            {
                continue;
            }

            used.Add(DatasetSplit.Relative(catalog, clip.Path));
            double clipBandwidth = clip.BandwidthHz;
            if (Recipe.SpeedPerturbationFraction > 0 && random.NextDouble() < Recipe.SpeedPerturbationFraction)
            {
                double factor = Math.Pow(Recipe.MaxSpeedFactor, (2 * random.NextDouble()) - 1);
                (samples, factor) = ChangeSpeed(samples, factor);
                clipBandwidth = Math.Min(Rate / 2.0, clipBandwidth * factor);
            }

            bandwidth = Math.Min(bandwidth, clipBandwidth);
            float gain = (float)Math.Pow(10, (-6 + (12 * random.NextDouble())) / 20);
            int n = Math.Min(samples.Length, length - position);
            for (int i = 0; i < n; i++)
            {
                audio[position + i] = gain * samples[i];
            }

            position += n + (int)(random.NextDouble() * 0.5 * Rate);
        }

        return (audio, bandwidth);
    }

    /// <summary>
    /// Plays <paramref name="samples"/> <paramref name="factor"/> times faster (higher and shorter for a factor above 1)
    /// by band-limited resampling from 48 kHz to 48 kHz / factor, the rate rounded to 10 Hz; returns the factor used.
    /// </summary>
    public static (float[] Samples, double Factor) ChangeSpeed(float[] samples, double factor)
    {
        int rate = (int)Math.Round(Rate / factor / 10) * 10;
        return rate == Rate ? (samples, 1.0) : (Resampler.Resample(samples, Rate, rate), (double)Rate / rate);
    }

    private static double DrawSnr(Random random)
    {
        double u = random.NextDouble();
        return u < 0.6 ? 20 * random.NextDouble()
            : u < 0.8 ? -5 + (5 * random.NextDouble())
            : 20 + (25 * random.NextDouble());
    }

    private (float[] Response, string Room, double Rt60) RandomRoom(Random random)
    {
        double length = 3 + (9 * random.NextDouble());
        double width = 2.5 + (6.5 * random.NextDouble());
        double height = 2.4 + (1.6 * random.NextDouble());
        double rt60 = 0.1 + (0.9 * random.NextDouble());
        if (Recipe.HallFraction > 0 && random.NextDouble() < Recipe.HallFraction)
        {
            // A hall: larger in every dimension, RT60 log-uniform from 1 s to the recipe's longest.
            double scale = 1 + (1.5 * random.NextDouble());
            (length, width, height) = (length * scale, width * scale, height * scale);
            rt60 = Math.Pow(Recipe.MaxHallRt60, random.NextDouble());
        }

        var room = new ShoeboxRoom(length, width, height, rt60);
        Point3 RandomPoint(double margin) => new(
            margin + ((length - (2 * margin)) * random.NextDouble()),
            margin + ((width - (2 * margin)) * random.NextDouble()),
            1.0 + (Math.Min(1.0, height - 1.3) * random.NextDouble()));
        Point3 source = RandomPoint(0.5);
        Point3 mic = RandomPoint(0.5);
        for (int i = 0; i < 20; i++)
        {
            double d = source.DistanceTo(mic);
            if (d >= 0.5 && d <= 4)
            {
                break;
            }

            mic = RandomPoint(0.5);
        }

        float[] h = RoomSimulator.ImpulseResponse(room, source, mic, Rate, random);
        string name = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"shoebox {length:F1}x{width:F1}x{height:F1} m, RT60 {rt60:F2} s, {source.DistanceTo(mic):F1} m");
        return (h, name, rt60);
    }

    private float[] EarlyPart(float[] h, int direct)
    {
        int keep = direct + (int)(Recipe.EarlyReflectionSeconds * Rate);
        int fade = Rate / 100;
        var early = new float[Math.Min(h.Length, keep + fade)];
        for (int i = 0; i < early.Length; i++)
        {
            float w = i < keep ? 1f : 0.5f * (1f + MathF.Cos(MathF.PI * (i - keep) / fade));
            early[i] = h[i] * w;
        }

        return early;
    }

    private static int PeakIndex(float[] h)
    {
        int peak = 0;
        for (int i = 1; i < h.Length; i++)
        {
            if (MathF.Abs(h[i]) > MathF.Abs(h[peak]))
            {
                peak = i;
            }
        }

        return peak;
    }

    private static float[] Shift(float[] x, int delay)
    {
        var y = new float[x.Length];
        x.AsSpan(Math.Min(delay, x.Length)).CopyTo(y);
        return y;
    }

    private static void Normalise(float[] x, double peak)
    {
        float max = x.Length == 0 ? 0 : x.Max(MathF.Abs);
        if (max > 0)
        {
            float gain = (float)(peak / max);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] *= gain;
            }
        }
    }

    /// <summary>A random second-order pole/zero filter (spectral tilt and resonances), as in RNNoise's recipe.</summary>
    private static Biquad RandomBiquad(Random random)
    {
        double R() => 0.75 * (random.NextDouble() - 0.5);
        return new Biquad(1, R(), R(), R(), R());
    }
}

/// <summary>y(n) = b0·x(n) + b1·x(n−1) + b2·x(n−2) − a1·y(n−1) − a2·y(n−2).</summary>
internal readonly record struct Biquad(double B0, double B1, double B2, double A1, double A2)
{
    /// <summary>
    /// A second-order high shelf (bilinear transform of the analogue prototype, shelf slope 1): gain 1 at DC,
    /// <paramref name="gainDb"/> at Nyquist, half of it in dB at <paramref name="cornerHz"/>.
    /// </summary>
    public static Biquad HighShelf(double cornerHz, double gainDb, int rate)
    {
        double a = Math.Pow(10, gainDb / 40);
        double w0 = 2 * Math.PI * cornerHz / rate;
        double cos = Math.Cos(w0);
        double alpha = Math.Sin(w0) / 2 * Math.Sqrt(2);
        double root = 2 * Math.Sqrt(a) * alpha;
        double up = (a + 1) + ((a - 1) * cos), down = (a + 1) - ((a - 1) * cos);
        double a0 = down + root;
        return new Biquad(
            a * (up + root) / a0,
            -2 * a * ((a - 1) + ((a + 1) * cos)) / a0,
            a * (up - root) / a0,
            2 * ((a - 1) - ((a + 1) * cos)) / a0,
            (down - root) / a0);
    }

    public void Apply(float[] x)
    {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double y = (B0 * x[n]) + (B1 * x1) + (B2 * x2) - (A1 * y1) - (A2 * y2);
            x2 = x1;
            x1 = x[n];
            y2 = y1;
            y1 = y;
            x[n] = (float)y;
        }
    }
}

/// <summary>A 4th-order Butterworth low-pass (two cascaded biquads, bilinear transform).</summary>
internal sealed class LowPassFilter(double cutoffHz, int rate)
{
    public void Apply(float[] x)
    {
        foreach (double q in new[] { 0.54119610, 1.30656296 })
        {
            double w0 = 2 * Math.PI * Math.Min(cutoffHz, 0.45 * rate) / rate;
            double alpha = Math.Sin(w0) / (2 * q);
            double cos = Math.Cos(w0);
            double a0 = 1 + alpha;
            var section = new Biquad((1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
            section.Apply(x);
        }
    }
}
