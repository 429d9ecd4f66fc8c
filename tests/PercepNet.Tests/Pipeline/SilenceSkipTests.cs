using PercepNet.Audio;
using PercepNet.Dsp;
using PercepNet.Pipeline;
using Xunit.Abstractions;

namespace PercepNet.Tests.Pipeline;

/// <summary>
/// The chain stops computing after half a second of silence and holds its state; speech after the silence must come
/// out as it does from a denoiser that computed every frame.
/// </summary>
public class SilenceSkipTests(ITestOutputHelper output)
{
    private static readonly DenoiserOptions NoSkip = new() { SilenceThresholdDb = float.NegativeInfinity };

    private static float[] Run(Denoiser denoiser, float[] input)
    {
        var result = new float[input.Length];
        for (int start = 0; start < input.Length; start += 480)
        {
            int n = Math.Min(480, input.Length - start);
            denoiser.Process(input.AsSpan(start, n), result.AsSpan(start, n));
        }

        return result;
    }

    private static float[] NoisySpeech(string id) =>
        AudioFile.ReadMonoWithChannels(Path.Combine(SharedData.Require(), "devset", "noisy", id + ".wav")).Samples;

    /// <summary>Relative error power of <paramref name="actual"/> against <paramref name="expected"/> over a range, and the largest sample difference.</summary>
    private static (double Relative, double Largest) Compare(float[] expected, float[] actual, int start, int length)
    {
        double error = 0, power = 0, largest = 0;
        for (int i = start; i < start + length; i++)
        {
            double d = actual[i] - (double)expected[i];
            error += d * d;
            power += expected[i] * (double)expected[i];
            largest = Math.Max(largest, Math.Abs(d));
        }

        return (error / power, largest);
    }

    [Fact]
    public void PeakTestPathsAgree()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var x = new float[random.Next(0, 600)];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)((random.NextDouble() - 0.5) * 2e-4);
            }

            if (x.Length > 0 && trial % 3 == 0)
            {
                x[random.Next(x.Length)] = trial % 2 == 0 ? 5e-4f : float.NaN;
            }

            foreach (float limit in new[] { 1e-4f, 3e-4f, 0f, -1f })
            {
                Assert.Equal(VectorMath.PeakAtMostPortable(x, limit), VectorMath.PeakAtMost(x, limit));
            }
        }

        Assert.True(VectorMath.PeakAtMost(new float[480], 0f));
        Assert.False(VectorMath.PeakAtMost(new float[480], -1f));
    }

    [SkippableFact]
    public void AfterTheSettleTimeOfDigitalSilenceFeaturesAndOutputNoLongerChange()
    {
        // What makes holding the signal state exact: computed, every hop of the silence after the settle time has the
        // same features and a zero output.
        float[] speech = NoisySpeech("dev_001");
        var chain = new EnhancementChain(new PercepNet.Network.PercepNetNetwork(Model.Default.Compiled), new DenoiserSettings().ForChain() with { SilencePeak = -1 });
        var hop = new float[480];
        for (int start = 0; start + 480 <= speech.Length; start += 480)
        {
            chain.ProcessHop(speech.AsSpan(start, 480), hop);
        }

        var silence = new float[480];
        float[]? settled = null;
        for (int h = 0; h < EnhancementChain.SettleHops + 300; h++)
        {
            chain.ProcessHop(silence, hop);
            if (h == EnhancementChain.SettleHops - 1)
            {
                settled = chain.Features.ToArray();
            }
            else if (h >= EnhancementChain.SettleHops)
            {
                Assert.Equal(settled, chain.Features.ToArray());
                Assert.All(hop, y => Assert.Equal(0f, y));
            }
        }

        Assert.Equal(0, chain.SkippedHops);

        // And they are the features a fresh chain reaches in silence: nothing of the speech before is left.
        var fresh = new EnhancementChain(new PercepNet.Network.PercepNetNetwork(Model.Default.Compiled), new DenoiserSettings().ForChain() with { SilencePeak = -1 });
        for (int h = 0; h < EnhancementChain.SettleHops; h++)
        {
            fresh.ProcessHop(silence, hop);
        }

        Assert.Equal(settled, fresh.Features.ToArray());
    }

    [SkippableTheory]
    [InlineData("dev_001", 60, 0.0)]       // digital silence
    [InlineData("dev_001", 5, 0.0)]
    [InlineData("dev_014", 60, 3e-5)]      // 16-bit dither (±1 step), below the −80 dBFS threshold
    [InlineData("dev_014", 15, 0.0)]
    public void SpeechAfterSilenceIsWhatTheNoSkipPathGives(string id, int seconds, double ditherPeak)
    {
        float[] speech = NoisySpeech(id);
        int gap = seconds * 48000;
        var silence = new float[gap];
        var random = new Random(5);
        for (int i = 0; i < gap; i++)
        {
            silence[i] = (float)((random.NextDouble() - 0.5) * 2 * ditherPeak);
        }

        float[] input = [.. speech, .. silence, .. speech];
        var skipping = new Denoiser();
        float[] skipped = Run(skipping, input);
        float[] computed = Run(new Denoiser(options: NoSkip), input);

        // Nearly the whole minute was skipped: everything but the settle time and the hops still holding speech.
        long skippedHops = skipping.SkippedHops;
        Assert.InRange(skippedHops, (gap / 480) - EnhancementChain.SettleHops - 10, gap / 480);

        // The second utterance (after the latency) against the path that computed every frame.
        int second = speech.Length + gap + skipping.Latency;
        (double relative, double largest) = Compare(computed, skipped, second, speech.Length - skipping.Latency);
        // The first 100 ms after the silence, where a held recurrent state would show most.
        (double onset, double onsetLargest) = Compare(computed, skipped, second, 4800);
        output.WriteLine($"{id}, {seconds} s: skipped {skippedHops} hops; second utterance relative error {relative:E2} (largest {largest:E2}), "
            + $"first 100 ms {onset:E2} (largest {onsetLargest:E2})");
        // For scale: how much the same utterance changes, without any skipping, when the silence before it is twice as long.
        float[] longer = Run(new Denoiser(options: NoSkip), [.. speech, .. silence, .. silence, .. speech]);
        float[] longerSecond = longer[(longer.Length - speech.Length)..];
        float[] computedSecond = computed[(computed.Length - speech.Length)..];
        (double natural, _) = Compare(computedSecond, longerSecond, skipping.Latency, speech.Length - skipping.Latency);
        output.WriteLine($"{id}, {seconds} s: the no-skip path itself after {2 * seconds} s of silence instead: {natural:E2}");
        if (ditherPeak == 0)
        {
            // Digital silence: the held state is moved along the model's way into silence; what remains is about as
            // large as doubling the silence makes it (about −40 dB; docs/DESIGN.md §1).
            Assert.True(relative < 2e-4, $"relative error power {relative:E2} over the second utterance");
        }
        else
        {
            // Near-silence: the state is held; the difference stays 25–30 dB below the speech.
            Assert.True(relative < 1e-2, $"relative error power {relative:E2} over the second utterance");
        }

        Assert.True(largest < 0.05 && onsetLargest < 0.05, $"largest sample difference {largest:E2}, {onsetLargest:E2} in the first 100 ms");

        // The silence itself comes out as silence (the dither is below what the denoiser lets through anyway).
        double silentPower = 0;
        for (int i = speech.Length + skipping.Latency + 48000; i < speech.Length + gap; i++)
        {
            silentPower += skipped[i] * (double)skipped[i];
        }

        Assert.Equal(0, silentPower);
    }
}
