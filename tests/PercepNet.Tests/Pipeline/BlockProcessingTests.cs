using PercepNet.Audio;
using PercepNet.Dsp;
using PercepNet.Pipeline;

namespace PercepNet.Tests.Pipeline;

/// <summary>
/// Long calls reach the chain as blocks of whole hops, whose network runs layer by layer over the block; short calls
/// go hop by hop. Whatever the calls, the output must be the same bits.
/// </summary>
public class BlockProcessingTests
{
    private static float[] Run(Denoiser denoiser, float[] input, Func<int> nextLength)
    {
        var result = new float[input.Length];
        for (int start = 0; start < input.Length;)
        {
            int n = Math.Min(nextLength(), input.Length - start);
            denoiser.Process(input.AsSpan(start, n), result.AsSpan(start, n));
            start += n;
        }

        return result;
    }

    [Fact]
    public void CallsOfAnyLengthGiveTheHopByHopOutputExactly()
    {
        // Speech; 53.5 hops of digital silence (the last 3 skipped: a skip run that starts and ends within a block);
        // speech; 1.3 s of digital silence (skipped after 0.5 s); 0.7 s of ±1 LSB dither (skipped, state held); speech.
        float[] speech = AudioFile.ReadMonoWithChannels(Path.Combine(SharedData.Require(), "devset", "noisy", "dev_009.wav")).Samples;
        var random = new Random(4);
        float[] dither = [.. Enumerable.Range(0, 33_600).Select(_ => random.Next(-1, 2) / 32768f)];
        float[] input = [.. speech, .. new float[25_680], .. speech, .. new float[62_410], .. dither, .. speech];
        foreach (DenoiserOptions options in new DenoiserOptions[] { new(), new() { VoiceGateThreshold = 0.3f, VoiceGateHoldMs = 50 } })
        {
            Check(input, options, random);
        }
    }

    private static void Check(float[] input, DenoiserOptions options, Random random)
    {
        var perHop = new Denoiser(options: options);
        float[] expected = Run(perHop, input, () => FrameLayout.HopSize);
        Assert.True(perHop.SkippedHops > 100, $"only {perHop.SkippedHops} hops skipped");

        foreach (Func<int> lengths in new Func<int>[]
        {
            () => input.Length,                        // one call
            () => random.Next(1, 20_000),              // anything, mostly several blocks
            () => (HopStream.BlockHops * FrameLayout.HopSize) + 1, // a block and a sample: every alignment
        })
        {
            var denoiser = new Denoiser(options: options);
            float[] actual = Run(denoiser, input, lengths);
            Assert.Equal(perHop.SkippedHops, denoiser.SkippedHops);
            Assert.Equal(perHop.SpeechActivity, denoiser.SpeechActivity);
            for (int i = 0; i < input.Length; i++)
            {
                Assert.True(expected[i] == actual[i], $"sample {i}: {actual[i]:R}, hop by hop {expected[i]:R}");
            }
        }
    }
}
