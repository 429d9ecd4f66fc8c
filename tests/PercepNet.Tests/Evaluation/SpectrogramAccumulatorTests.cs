using PercepNet.Cli.Spectrograms;

namespace PercepNet.Tests.Evaluation;

public sealed class SpectrogramAccumulatorTests
{
    [Fact]
    public void ToneLandsInItsBin()
    {
        // 48 kHz / 960 = 50 Hz per bin: 1 kHz is bin 20.
        var accumulator = new SpectrogramAccumulator(48000);
        var tone = new float[48000];
        for (int i = 0; i < tone.Length; i++)
        {
            tone[i] = MathF.Sin(2 * MathF.PI * 1000 * i / 48000);
        }

        accumulator.Add(tone);
        Assert.Equal(tone.Length / SpectrogramAccumulator.Hop, accumulator.Columns);
        for (int c = 2; c < accumulator.Columns; c++)
        {
            ReadOnlySpan<float> column = accumulator.Column(c);
            int peak = 0;
            for (int k = 1; k < column.Length; k++)
            {
                peak = column[k] > column[peak] ? k : peak;
            }

            Assert.Equal(20, peak);
        }
    }

    [Fact]
    public void LongStreamsMergeColumnsAndKeepTheMeanPower()
    {
        // Thirty seconds of white noise into at most 100 columns: 3000 frames → columns of 32 frames (94 of them), and the
        // merged columns keep the mean power per bin of the frames they cover.
        var accumulator = new SpectrogramAccumulator(48000, maxColumns: 100);
        var unmerged = new SpectrogramAccumulator(48000, maxColumns: 4000);
        float[] noise = SyntheticSignals.WhiteNoise(48000 * 30, 3, 0.1);
        for (int start = 0; start < noise.Length; start += 777)
        {
            ReadOnlySpan<float> block = noise.AsSpan(start, Math.Min(777, noise.Length - start));
            accumulator.Add(block);
            unmerged.Add(block);
        }

        Assert.Equal(3000, unmerged.Columns);
        Assert.Equal(32, accumulator.FramesPerColumn);
        Assert.InRange(accumulator.Columns, 50, 100);
        for (int c = 0; c < accumulator.Columns - 1; c++)
        {
            for (int k = 0; k < accumulator.Bins; k += 37)
            {
                double mean = 0;
                for (int f = 0; f < 32; f++)
                {
                    mean += unmerged.Column((c * 32) + f)[k] / 32.0;
                }

                Assert.Equal(mean, accumulator.Column(c)[k], mean * 1e-4);
            }
        }
    }

    [Fact]
    public void InterleavedChannelsAreAveraged()
    {
        var stereo = new SpectrogramAccumulator(48000);
        var mono = new SpectrogramAccumulator(48000);
        float[] left = SyntheticSignals.WhiteNoise(4800, 1, 0.1), right = SyntheticSignals.WhiteNoise(4800, 2, 0.1);
        var interleaved = new float[9600];
        var mean = new float[4800];
        for (int i = 0; i < 4800; i++)
        {
            interleaved[2 * i] = left[i];
            interleaved[(2 * i) + 1] = right[i];
            mean[i] = 0.5f * (left[i] + right[i]);
        }

        stereo.AddInterleaved(interleaved, 2);
        mono.Add(mean);
        Assert.Equal(mono.Columns, stereo.Columns);
        Assert.Equal(mono.Column(5).ToArray(), stereo.Column(5).ToArray());
    }
}
