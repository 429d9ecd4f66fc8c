using System.Numerics;
using PercepNet.Data.Mixing.Noises;

namespace PercepNet.Tests.Data;

/// <summary>
/// Each procedural noise family measured on its defining property (where its power lies, how it repeats, how its events
/// start and decay), with spectra from a radix-2 FFT of the test's own, and its determinism per seed.
/// </summary>
public sealed class NoiseFamilyTests
{
    private const int Rate = 48000;

    [Fact]
    public void EveryFamilyIsDeterministicPerSeedAndUnitRms()
    {
        Func<Random, int, (float[] Signal, string Name)>[] families =
            [TonalNoise.Draw, ImpulsiveNoise.Draw, SynthesisedMusic.Draw, VehicleNoise.Draw, WeatherNoise.Draw];
        foreach (var draw in families)
        {
            for (int seed = 0; seed < 4; seed++)
            {
                (float[] a, string nameA) = draw(new Random(seed), 2 * Rate);
                (float[] b, string nameB) = draw(new Random(seed), 2 * Rate);
                (float[] c, _) = draw(new Random(seed + 100), 2 * Rate);
                Assert.Equal(nameA, nameB);
                Assert.Equal(a, b);
                Assert.NotEqual(a, c);
                Assert.All(a, v => Assert.True(float.IsFinite(v)));
                Assert.Equal(1.0, Rms(a), 3);
            }
        }
    }

    [Fact]
    public void TonalChorusesLieBetween2And8Kilohertz()
    {
        for (int seed = 0; seed < 6; seed++)
        {
            (float[] chorus, string name) = TonalNoise.Draw(new Random(seed), 4 * Rate);
            Assert.StartsWith("tonal: ", name, StringComparison.Ordinal);
            // The fundamentals stay in 2–8 kHz; the pulse envelopes spread them by at most about 150 Hz, and the second
            // harmonics (12–30 dB down) carry the rest.
            Assert.InRange(PowerShare(chorus, 1850, 8150), 0.9, 1.0);
        }
    }

    [Theory]
    [InlineData(20.0)]
    [InlineData(37.0)]
    [InlineData(6.0)]
    public void AVoicesLevelRepeatsAtItsPulseRate(double pulseHz)
    {
        var voice = new TonalNoise.Voice(4000, pulseHz, 0.4, 0.2, true, 6, 0.005, -20, 0, 0, 0);
        float[] signal = TonalNoise.Render(new Random(1), 4 * Rate, [voice]);
        // The envelope (power in 1 ms blocks) has its strongest modulation at the pulse rate (1 % jitter allowed).
        double peak = StrongestModulationHz(signal, 3, 60);
        Assert.InRange(peak, pulseHz * 0.96, pulseHz * 1.04);
    }

    [Fact]
    public void KeyboardClicksArriveAsAPoissonProcessAndEachRisesAndDecays()
    {
        var random = new Random(2);
        ImpulsiveNoise.Body body = ImpulsiveNoise.DrawBody(random, ImpulsiveNoise.Source.Keyboard);
        (float[] signal, List<int> onsets) = ImpulsiveNoise.Render(random, 60 * Rate, ImpulsiveNoise.Source.Keyboard, body, 5, bursty: false);
        // 300 expected; a Poisson count's standard deviation is its square root (4 σ ≈ 70).
        Assert.InRange(onsets.Count, 230, 370);
        double[] gaps = [.. onsets.Zip(onsets.Skip(1), (a, b) => (b - a) / (double)Rate)];
        double mean = gaps.Average(), sd = Math.Sqrt(gaps.Select(g => (g - mean) * (g - mean)).Average());
        // Exponential gaps: the coefficient of variation is 1 (a metronome would give 0).
        Assert.InRange(sd / mean, 0.8, 1.2);
        int isolated = 0;
        for (int i = 1; i + 1 < onsets.Count; i++)
        {
            int at = onsets[i];
            if (at - onsets[i - 1] < Rate / 10 || onsets[i + 1] - at < Rate / 10)
            {
                continue;
            }

            isolated++;
            double before = Energy(signal, at - (Rate / 200), Rate / 200), first = Energy(signal, at, Rate / 200), later = Energy(signal, at + (Rate / 25), Rate / 200);
            Assert.True(first > 100 * before, $"click at {at} does not rise 20 dB above what precedes it");
            Assert.True(later < first / 100, $"click at {at} has not decayed 20 dB after 40 ms");
        }

        Assert.True(isolated > 50, $"only {isolated} isolated clicks");
    }

    [Fact]
    public void TypingComesInSpellsAndMiceClickTwiceAtTimes()
    {
        var random = new Random(3);
        ImpulsiveNoise.Body keys = ImpulsiveNoise.DrawBody(random, ImpulsiveNoise.Source.Keyboard);
        (_, List<int> typed) = ImpulsiveNoise.Render(random, 60 * Rate, ImpulsiveNoise.Source.Keyboard, keys, 8, bursty: true);
        // Spells of 1–5 s with pauses of 0.5–3 s: fewer clicks than the plain rate and gaps longer than a Poisson process of
        // that rate would almost ever leave (P(gap > 0.5 s) = e^−4).
        Assert.InRange(typed.Count, 100, 400);
        Assert.True(typed.Zip(typed.Skip(1), (a, b) => b - a).Count(g => g > Rate / 2) >= 5);

        ImpulsiveNoise.Body mouse = ImpulsiveNoise.DrawBody(random, ImpulsiveNoise.Source.Mouse);
        (_, List<int> clicks) = ImpulsiveNoise.Render(random, 60 * Rate, ImpulsiveNoise.Source.Mouse, mouse, 1, bursty: false);
        int doubles = clicks.Zip(clicks.Skip(1), (a, b) => b - a).Count(g => g >= 0.08 * Rate && g <= 0.2 * Rate);
        Assert.InRange(doubles, 5, 40);
    }

    [Fact]
    public void MusicSitsOnTheTwelveToneScaleAndItsDrumsKeepTheBeat()
    {
        // Without drums the power from 200 Hz to 2 kHz lies on equal-tempered pitches (A = 440 Hz) and their low
        // harmonics: within ±1.5 % (a quarter of the spacing either side) of a semitone. Noise would put 52 % there.
        float[] tonal = SynthesisedMusic.Render(new Random(4), 8 * Rate, 120, percussion: false);
        double[] power = PowerSpectrum(tonal.AsSpan(2 * Rate, 65536));
        double on = 0, all = 0;
        for (int k = 0; k < power.Length; k++)
        {
            double hz = k * (double)Rate / 65536;
            if (hz is >= 200 and <= 2000)
            {
                double semitones = 12 * Math.Log2(hz / 440);
                all += power[k];
                on += Math.Abs(semitones - Math.Round(semitones)) <= 0.26 ? power[k] : 0;
            }
        }

        Assert.InRange(on / all, 0.75, 1.0);

        // With drums at 120 BPM, the onsets repeat every beat (0.5 s): the autocorrelation of the rises of power above
        // 5 kHz (hi-hat and snare) peaks there among lags 0.35–0.65 s.
        float[] song = SynthesisedMusic.Render(new Random(5), 12 * Rate, 120, percussion: true);
        double[] rises = HighBandRises(song);
        int best = 0;
        double bestValue = double.NegativeInfinity;
        for (int lag = 35; lag <= 65; lag++)
        {
            double r = 0;
            for (int i = 0; i + lag < rises.Length; i++)
            {
                r += rises[i] * rises[i + lag];
            }

            (best, bestValue) = r > bestValue ? (lag, r) : (best, bestValue);
        }

        Assert.InRange(best, 49, 51);
    }

    [Fact]
    public void AnEngineRepeatsAtItsFiringPeriodAndItsRoarStaysLow()
    {
        var engine = new VehicleNoise.Vehicle(40, 20, 0.002, -100, -6, 1000, 0, 0, 0);
        float[] rumble = VehicleNoise.Render(new Random(6), 2 * Rate, engine);
        Assert.InRange(PowerShare(rumble, 0, 850), 0.99, 1.0);
        // One firing period (1200 samples) later the waveform repeats; half a period later it does not.
        Assert.InRange(Correlation(rumble, Rate / 2, Rate, 1200), 0.9, 1.0);
        Assert.InRange(Correlation(rumble, Rate / 2, Rate, 600), -1.0, 0.5);

        float[] roaring = VehicleNoise.Render(new Random(6), 2 * Rate, engine with { RoarDb = 6 });
        Assert.InRange(PowerShare(roaring, 0, 2000), 0.95, 1.0);
    }

    [Fact]
    public void TrainsSquealAboveTheirRumbleAndThumpAtRailJoints()
    {
        var train = new VehicleNoise.Vehicle(25, 10, 0.01, -100, -6, 1000, 1, 10, 0);
        float[] squealing = VehicleNoise.Render(new Random(7), 8 * Rate, train);
        // A squeal 10 dB over the rumble for most of the time puts most of the power at 1 kHz and above.
        Assert.InRange(PowerShare(squealing, 950, 24000), 0.6, 1.0);

        float[] joints = VehicleNoise.Render(new Random(8), 8 * Rate, train with { SquealShare = 0, JointSeconds = 1 });
        float[] plain = VehicleNoise.Render(new Random(8), 8 * Rate, train with { SquealShare = 0 });
        // The thumps, 3-12 dB over the rumble: 25 ms blocks with half as much power again as the plain rumble's median block
        // (whose blocks vary by a few per cent) come in pairs about once a second.
        double median = BlockPowers(plain, Rate / 40).Order().ElementAt(8 * 40 / 2);
        int loud = BlockPowers(joints, Rate / 40).Count(p => p > 1.5 * median);
        Assert.InRange(loud, 8, 60);
    }

    [Fact]
    public void WindIsLowAndGustyAndRainIsManyBrightDrops()
    {
        float[] gusty = WeatherNoise.Wind(new Random(9), 10 * Rate, 300, 20, whistle: false);
        float[] steady = WeatherNoise.Wind(new Random(9), 10 * Rate, 300, 0, whistle: false);
        Assert.InRange(PowerShare(gusty, 0, 1000), 0.95, 1.0);
        // The level in 100 ms blocks moves by several dB with gusts and hardly at all without.
        Assert.True(LevelSpreadDb(gusty) > 3, $"gust spread {LevelSpreadDb(gusty):F1} dB");
        Assert.True(LevelSpreadDb(steady) < 1.5, $"steady spread {LevelSpreadDb(steady):F1} dB");

        (float[] rain, List<int> drops) = WeatherNoise.Rain(new Random(10), 10 * Rate, 50, bedDb: -100);
        Assert.InRange(drops.Count, 500 - 90, 500 + 90);
        Assert.InRange(PowerShare(rain, 900, 11000), 0.9, 1.0);
        // Sparse drops: a heavy-tailed signal (kurtosis far above a Gaussian's 3).
        double m2 = rain.Average(v => (double)v * v), m4 = rain.Average(v => Math.Pow(v, 4));
        Assert.True(m4 / (m2 * m2) > 10, $"kurtosis {m4 / (m2 * m2):F1}");
    }

    private static double Rms(ReadOnlySpan<float> x) => Math.Sqrt(Energy(x, 0, x.Length) / x.Length);

    private static double Energy(ReadOnlySpan<float> x, int from, int count)
    {
        double sum = 0;
        foreach (float v in x.Slice(from, count))
        {
            sum += (double)v * v;
        }

        return sum;
    }

    private static double[] BlockPowers(float[] x, int block) =>
        [.. Enumerable.Range(0, x.Length / block).Select(b => Energy(x, b * block, block))];

    /// <summary>The standard deviation of the level in 100 ms blocks, in dB.</summary>
    private static double LevelSpreadDb(float[] x)
    {
        double[] db = [.. BlockPowers(x, Rate / 10).Select(p => 10 * Math.Log10(p))];
        double mean = db.Average();
        return Math.Sqrt(db.Average(d => (d - mean) * (d - mean)));
    }

    /// <summary>Normalised correlation of x[from..from+count) with itself <paramref name="lag"/> samples later.</summary>
    private static double Correlation(float[] x, int from, int count, int lag)
    {
        double xy = 0, xx = 0, yy = 0;
        for (int i = from; i < from + count; i++)
        {
            xy += (double)x[i] * x[i + lag];
            xx += (double)x[i] * x[i];
            yy += (double)x[i + lag] * x[i + lag];
        }

        return xy / Math.Sqrt(xx * yy);
    }

    /// <summary>The frequency (1/4 Hz steps) at which the power envelope (1 ms blocks, mean removed) is most modulated.</summary>
    private static double StrongestModulationHz(float[] x, double fromHz, double toHz)
    {
        double[] envelope = BlockPowers(x, Rate / 1000);
        double mean = envelope.Average();
        double best = fromHz, bestPower = 0;
        for (double f = fromHz; f <= toHz; f += 0.25)
        {
            double re = 0, im = 0;
            for (int i = 0; i < envelope.Length; i++)
            {
                re += (envelope[i] - mean) * Math.Cos(2 * Math.PI * f * i / 1000);
                im += (envelope[i] - mean) * Math.Sin(2 * Math.PI * f * i / 1000);
            }

            if ((re * re) + (im * im) > bestPower)
            {
                (best, bestPower) = (f, (re * re) + (im * im));
            }
        }

        return best;
    }

    /// <summary>Rises of power above 5 kHz between 10 ms blocks (half-wave rectified differences of the level in dB).</summary>
    private static double[] HighBandRises(float[] x)
    {
        // Second differences are a high-pass of 12 dB per octave: what is left is mostly above 5 kHz.
        var high = new float[x.Length];
        for (int n = 2; n < x.Length; n++)
        {
            high[n] = x[n] - (2 * x[n - 1]) + x[n - 2];
        }

        double[] db = [.. BlockPowers(high, Rate / 100).Select(p => 10 * Math.Log10(p + 1e-12))];
        return [.. db.Zip(db.Skip(1), (a, b) => Math.Max(0, b - a))];
    }

    /// <summary>The share of the power (Welch, 4096-point Hann frames) that lies between two frequencies.</summary>
    private static double PowerShare(float[] x, double fromHz, double toHz)
    {
        double inside = 0, all = 0;
        for (int start = 0; start + 4096 <= x.Length; start += 2048)
        {
            double[] power = PowerSpectrum(x.AsSpan(start, 4096));
            for (int k = 1; k < power.Length; k++)
            {
                double hz = k * (double)Rate / 4096;
                all += power[k];
                inside += hz >= fromHz && hz <= toHz ? power[k] : 0;
            }
        }

        return inside / all;
    }

    /// <summary>Mean power density in the octave bands between successive edges, in dB (Welch, 4096-point Hann frames).</summary>
    internal static double[] OctaveLevelsDb(float[] x, int[] edges)
    {
        var sums = new double[edges.Length - 1];
        for (int start = 0; start + 4096 <= x.Length; start += 2048)
        {
            double[] power = PowerSpectrum(x.AsSpan(start, 4096));
            for (int b = 0; b < sums.Length; b++)
            {
                int lo = edges[b] * 4096 / Rate, hi = edges[b + 1] * 4096 / Rate;
                sums[b] += power[lo..hi].Average();
            }
        }

        return [.. sums.Select(s => 10 * Math.Log10(s))];
    }

    /// <summary>The least-squares slope of levels over band index (dB per octave for octave bands).</summary>
    internal static double Slope(double[] db)
    {
        // The last band (16–23 kHz) is about half an octave wide: its centre sits 0.76 octave above the one before.
        double[] x = [.. Enumerable.Range(0, db.Length).Select(i => i == db.Length - 1 ? i - 1 + 0.76 : i)];
        double meanX = x.Average(), meanY = db.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < db.Length; i++)
        {
            sxy += (x[i] - meanX) * (db[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }

        return sxy / sxx;
    }

    /// <summary>|X(k)|² of a Hann-windowed frame whose length is a power of two, bins 0..N/2 (iterative radix-2 FFT).</summary>
    private static double[] PowerSpectrum(ReadOnlySpan<float> frame)
    {
        int n = frame.Length;
        var data = new Complex[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = frame[i] * (0.5 - (0.5 * Math.Cos(2 * Math.PI * i / n)));
        }

        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        for (int size = 2; size <= n; size <<= 1)
        {
            Complex step = Complex.FromPolarCoordinates(1, -2 * Math.PI / size);
            for (int start = 0; start < n; start += size)
            {
                Complex w = 1;
                for (int k = 0; k < size / 2; k++)
                {
                    Complex even = data[start + k], odd = w * data[start + k + (size / 2)];
                    data[start + k] = even + odd;
                    data[start + k + (size / 2)] = even - odd;
                    w *= step;
                }
            }
        }

        return [.. data.Take((n / 2) + 1).Select(c => (c.Real * c.Real) + (c.Imaginary * c.Imaginary))];
    }
}
