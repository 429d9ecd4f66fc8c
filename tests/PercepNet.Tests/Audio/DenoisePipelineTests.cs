using PercepNet.Audio;

namespace PercepNet.Tests.Audio;

public class DenoisePipelineTests
{
    [Theory]
    [InlineData(48000, 1, -80)]
    [InlineData(48000, 2, -80)]
    [InlineData(16000, 1, -35)]
    [InlineData(44100, 2, -35)]
    public void CompensatedOutputLinesUpWithTheInput(int rate, int channels, double maxErrorDb)
    {
        int frames = rate * 2 + 123;
        var input = new float[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                // Different tones per channel, well inside every rate's band.
                input[(i * channels) + c] = 0.3f * MathF.Sin(2 * MathF.PI * (300 + (200 * c)) * i / rate);
            }
        }

        var pipeline = new DenoisePipeline(new Model(TestModels.PassThrough(), "pass-through"), new DenoiserOptions { PostfilterStrength = 0 }, rate, channels, compensateDelay: true);
        var output = new List<float>();
        var block = new float[1000 * channels];
        for (int start = 0; start < input.Length; start += block.Length)
        {
            int n = Math.Min(block.Length, input.Length - start);
            input.AsSpan(start, n).CopyTo(block);
            output.AddRange(pipeline.Process(block.AsSpan(0, n)));
        }

        for (Span<float> tail = pipeline.Finish(block); !tail.IsEmpty; tail = pipeline.Finish(block))
        {
            output.AddRange(tail);
        }
        Assert.Equal(input.Length, output.Count);
        double error = 0, power = 0;
        for (int i = rate / 10 * channels; i < input.Length - (rate / 10 * channels); i++)
        {
            error += (output[i] - input[i]) * (double)(output[i] - input[i]);
            power += input[i] * (double)input[i];
        }

        double db = 10 * Math.Log10(error / power);
        Assert.True(db < maxErrorDb, $"{rate} Hz × {channels}: error {db:F1} dB");
    }
}
