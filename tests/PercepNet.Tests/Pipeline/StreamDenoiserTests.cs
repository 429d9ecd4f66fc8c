using PercepNet.Dsp;

namespace PercepNet.Tests.Pipeline;

/// <summary>
/// The any-rate stream (the path of the C library, the plugins and the tools): latency by impulse, block-size
/// independence, equality with <see cref="Denoiser"/> at 48 kHz, the resampler's accuracy, the voice gate, and no
/// allocation per call.
/// </summary>
public class StreamDenoiserTests
{
    private static readonly DenoiserOptions PassThrough = new() { AttenuationLimitDb = 0 };

    private static float[] Speech(int rate, double seconds, int channels = 1, int seed = 1)
    {
        (float[] voiced, _) = SyntheticSignals.Voiced([new(seconds / 2, 120, 180), new(seconds / 3, 220, 160)], seed);
        float[] noise = SyntheticSignals.WhiteNoise(voiced.Length, seed + 1, 0.01);
        float[] at48k = SyntheticSignals.Mix(voiced, noise, 10);
        int frames = (int)(at48k.Length * (long)rate / 48000);
        var interleaved = new float[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                // Each channel its own signal (shifted in time), sampled at the rate by nearest 48 kHz sample.
                interleaved[(i * channels) + c] = at48k[((int)((long)i * 48000 / rate) + (c * 997)) % at48k.Length];
            }
        }

        return interleaved;
    }

    private static float[] Run(StreamDenoiser stream, float[] input, Func<int, int> blockSize)
    {
        var output = new float[input.Length];
        int channels = stream.Channels;
        for (int start = 0, k = 0; start < input.Length / channels; k++)
        {
            int n = Math.Min(blockSize(k), (input.Length / channels) - start);
            stream.Process(input.AsSpan(start * channels, n * channels), output.AsSpan(start * channels, n * channels));
            start += n;
        }

        return output;
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(22050)]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(96000)]
    public void AnImpulseComesOutExactlyTheReportedLatencyLater(int rate)
    {
        var stream = new StreamDenoiser(rate, 1, options: PassThrough);
        int at = rate / 2;
        var input = new float[at + stream.Latency + rate];
        input[at] = 0.5f;
        float[] output = Run(stream, input, _ => 97);
        int peak = 0;
        for (int i = 0; i < output.Length; i++)
        {
            peak = Math.Abs(output[i]) > Math.Abs(output[peak]) ? i : peak;
        }

        Assert.Equal(at + stream.Latency, peak);
        // Resampling limits the impulse to 0.45 of the lower rate (0.9 of its band), which lowers its peak in proportion.
        Assert.InRange(output[peak], 0.5f * 0.9f * Math.Min(1f, 48000f / rate) * 0.7f, 0.55f);
        Assert.Equal(0, stream.Underruns);
        Assert.InRange(stream.Latency, 1919 * rate / 48000, (1919 * rate / 48000) + (rate / 200) + 48);
    }

    [Theory]
    [InlineData(44100, 2)]
    [InlineData(16000, 1)]
    [InlineData(48000, 2)]
    public void TheOutputDoesNotDependOnTheBlockSizes(int rate, int channels)
    {
        float[] input = Speech(rate, 1.5, channels);
        float[] reference = Run(new StreamDenoiser(rate, channels), input, _ => 480);
        var random = new Random(5);
        foreach (Func<int, int> sizes in new Func<int, int>[] { _ => 1, _ => 64, _ => 512, _ => 4096, _ => random.Next(1, 3000) })
        {
            var stream = new StreamDenoiser(rate, channels);
            Assert.Equal(reference, Run(stream, input, sizes));
            Assert.Equal(0, stream.Underruns);
        }
    }

    [Fact]
    public void At48kHzEachChannelIsExactlyADenoiser()
    {
        float[] input = Speech(48000, 1.0, 2);
        float[] stereo = Run(new StreamDenoiser(48000, 2), input, _ => 333);
        for (int c = 0; c < 2; c++)
        {
            float[] channel = [.. Enumerable.Range(0, input.Length / 2).Select(i => input[(2 * i) + c])];
            var expected = new float[channel.Length];
            new Denoiser().Process(channel, expected);
            Assert.Equal(expected, Enumerable.Range(0, channel.Length).Select(i => stereo[(2 * i) + c]));
        }
    }

    [Fact]
    public void InPlaceProcessingEqualsSeparateBuffers()
    {
        float[] input = Speech(44100, 1.0, 2);
        float[] separate = Run(new StreamDenoiser(44100, 2), input, _ => 1000);
        float[] inPlace = (float[])input.Clone();
        var stream = new StreamDenoiser(44100, 2);
        for (int start = 0; start < inPlace.Length; start += 2000)
        {
            stream.Process(inPlace.AsSpan(start, Math.Min(2000, inPlace.Length - start)));
        }

        Assert.Equal(separate, inPlace);
    }

    [Fact]
    public void NonFiniteAndDenormalInputGivesFiniteOutput()
    {
        float[] input = Speech(44100, 1.0);
        for (int i = 0; i < input.Length; i += 37)
        {
            input[i] = (i / 37 % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => 1e-40f };
        }

        float[] output = Run(new StreamDenoiser(44100, 1), input, _ => 256);
        Assert.All(output, y => Assert.True(float.IsFinite(y) && Math.Abs(y) <= 1f));
    }

    [Fact]
    public void ResetStartsTheStreamAfresh()
    {
        float[] input = Speech(16000, 1.0);
        var stream = new StreamDenoiser(16000, 1);
        float[] first = Run(stream, input, _ => 300);
        stream.Reset();
        Assert.Equal(first, Run(stream, input, _ => 300));
    }

    [Fact]
    public void TheResamplerKeepsATonesAmplitudeAndTiming()
    {
        // Resampled 44.1 → 48 kHz, a 1 kHz tone must equal the tone evaluated at each output's input instant.
        var up = new SincResampler(44100, 48000, 0, 44100);
        var input = new float[44100];
        for (int n = 0; n < input.Length; n++)
        {
            input[n] = (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * n / 44100.0));
        }

        var output = new float[up.MaxOutput(input.Length)];
        int count = up.Process(input, output);
        double worst = 0;
        for (int k = 4800; k < count - 4800; k++)
        {
            double expected = 0.5 * Math.Sin(2 * Math.PI * 1000 * k / 48000.0);
            worst = Math.Max(worst, Math.Abs(output[k] - expected));
        }

        Assert.InRange(worst, 0, 1e-4);
    }

    [Fact]
    public void TheResamplerRemovesWhatTheLowerRateCannotCarry()
    {
        // A 23 kHz tone at 48 kHz lies above 44.1 kHz's Nyquist frequency: it must not fold back.
        var down = new SincResampler(48000, 44100, 0, 48000);
        var input = new float[48000];
        for (int n = 0; n < input.Length; n++)
        {
            input[n] = (float)(0.5 * Math.Sin(2 * Math.PI * 23000 * n / 48000.0));
        }

        var output = new float[down.MaxOutput(input.Length)];
        int count = down.Process(input, output);
        double power = 0;
        for (int k = 4410; k < count - 4410; k++)
        {
            power += output[k] * (double)output[k];
        }

        double rms = Math.Sqrt(power / (count - 8820));
        Assert.InRange(20 * Math.Log10(rms / (0.5 / Math.Sqrt(2))), -200, -70);
    }

    [Fact]
    public void TheVoiceGateMutesAfterTheHoldAndOpensForSpeech()
    {
        // Silence, then speech: with a gate the silence's output is exactly 0 after the hold; the speech comes through.
        var input = new float[48000 * 2];
        float[] speech = Speech(48000, 1.0);
        Array.Copy(speech, 0, input, 48000, Math.Min(speech.Length, 48000));
        var noise = SyntheticSignals.WhiteNoise(48000, 9, 0.003);
        Array.Copy(noise, input, 48000);
        var gated = new StreamDenoiser(48000, 1, options: new() { AttenuationLimitDb = 6, VoiceGateThreshold = 0.5f, VoiceGateHoldMs = 100 });
        float[] output = Run(gated, input, _ => 480);
        int latency = gated.Latency;
        Assert.All(output.AsSpan(latency + 9600, 48000 - 9600 - 2400).ToArray(), y => Assert.Equal(0f, y));
        double speechPower = SyntheticSignals.Power(output.AsSpan(48000 + latency + 4800, 24000));
        Assert.True(speechPower > 1e-5, $"speech power {speechPower}");

        // Threshold 0: no gate, the output is the ungated denoiser's.
        float[] open = Run(new StreamDenoiser(48000, 1, options: new() { AttenuationLimitDb = 6, VoiceGateThreshold = 0 }), input, _ => 480);
        float[] plain = Run(new StreamDenoiser(48000, 1, options: new() { AttenuationLimitDb = 6 }), input, _ => 480);
        Assert.Equal(plain, open);
    }

    [Fact]
    public void SettingsChangeWithoutANewStreamAndReadBack()
    {
        var stream = new StreamDenoiser(44100, 2);
        var options = new DenoiserOptions { AttenuationLimitDb = 12, PostfilterStrength = 0.5f, VoiceGateThreshold = 0.2f, VoiceGateHoldMs = 300 };
        stream.Options = options;
        Assert.Equal(options, stream.Options);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamDenoiser(7999, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamDenoiser(48000, 65));
        Assert.Throws<ArgumentException>(() => stream.Process(new float[3], new float[3]));
    }

    [Fact]
    public void ProcessingAllocatesNothing()
    {
        var stream = new StreamDenoiser(44100, 2);
        float[] input = Speech(44100, 0.5, 2);
        var output = new float[input.Length];
        stream.Process(input, output); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            stream.Process(input.AsSpan(0, 882), output.AsSpan(0, 882));
            stream.Options = stream.Options; // not on the real-time path, but the reading is
        }

        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        Assert.Equal(0, perCall); // the options record is kept, not made again, and processing allocates nothing
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            stream.Process(input.AsSpan(0, 882), output.AsSpan(0, 882));
            stream.Settings = stream.Settings.With(Setting.AttenuationLimitDb, 10 + (i % 2)).With(Setting.VoiceGateThreshold, 0.1f);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
