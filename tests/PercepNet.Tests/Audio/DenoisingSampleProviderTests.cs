using NAudio.Wave;
using PercepNet.Audio;

namespace PercepNet.Tests.Audio;

public class DenoisingSampleProviderTests
{
    /// <summary>Interleaved samples from memory, handed out in reads of at most <paramref name="most"/> samples.</summary>
    private sealed class ArraySource(float[] samples, int rate, int channels, int most) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, channels);

        public int Read(Span<float> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, most), samples.Length - _position);
            samples.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }

    private static float[] ReadAll(ISampleProvider provider, int block)
    {
        var all = new List<float>();
        var buffer = new float[block];
        int n;
        while ((n = provider.Read(buffer)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, n));
        }

        return [.. all];
    }

    [Theory]
    [InlineData(1, 480, 4800)]
    [InlineData(1, 1000, 333)]
    [InlineData(2, 4096, 512)]
    public void OutputEqualsTheDenoisersSampleForSample(int channels, int sourceReads, int block)
    {
        int frames = 48000 + 123;
        float[][] signals = [.. Enumerable.Range(0, channels).Select(c => SyntheticSignals.Mix(
            SyntheticSignals.Babble(frames, 3 + c, talkers: 1), SyntheticSignals.WhiteNoise(frames, 7 + c), 5))];
        var interleaved = new float[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                interleaved[(i * channels) + c] = signals[c][i];
            }
        }

        float[] actual = ReadAll(new DenoisingSampleProvider(new ArraySource(interleaved, 48000, channels, sourceReads)), block);

        for (int c = 0; c < channels; c++)
        {
            var denoiser = new Denoiser();
            var expected = new float[frames + denoiser.Latency];
            denoiser.Process(signals[c], expected.AsSpan(0, frames));
            denoiser.Flush(expected.AsSpan(frames));
            Assert.Equal(expected.Length * channels, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[(i * channels) + c]);
            }
        }
    }

    [Fact]
    public void ReportsTheSourcesFormatAsFloat()
    {
        var provider = new DenoisingSampleProvider(new ArraySource(new float[4410], 44100, 2, 100));
        Assert.Equal(44100, provider.WaveFormat.SampleRate);
        Assert.Equal(2, provider.WaveFormat.Channels);
        Assert.Equal(WaveFormatEncoding.IeeeFloat, provider.WaveFormat.Encoding);
        float[] all = ReadAll(provider, 1000);
        Assert.True(all.Length >= 4410, $"{all.Length} samples");
        Assert.All(all, v => Assert.True(float.IsFinite(v)));
    }
}
