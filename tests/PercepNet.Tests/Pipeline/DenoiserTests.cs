using PercepNet.Network;

namespace PercepNet.Tests.Pipeline;

public class DenoiserTests
{
    private static CompiledModel PassThrough() => TestModels.PassThrough();

    private static readonly Lazy<CompiledModel> RandomSmall =
        new(() => new CompiledModel(RandomModel.Create(ModelShape.Small, 11), Quantisation.Int8.ToPrecision()));

    private static float[] Run(Denoiser denoiser, float[] input, int block)
    {
        var output = new float[input.Length];
        for (int start = 0; start < input.Length; start += block)
        {
            int n = Math.Min(block, input.Length - start);
            denoiser.Process(input.AsSpan(start, n), output.AsSpan(start, n));
        }

        return output;
    }

    [Fact]
    public void ImpulseComesOutAtTheReportedLatency()
    {
        var denoiser = new Denoiser(PassThrough(), new DenoiserOptions { PostfilterStrength = 0 });
        Assert.Equal(1919, denoiser.Latency);
        var input = new float[9600];
        input[2000] = 0.5f;
        float[] output = Run(denoiser, input, 33);
        int peak = Array.IndexOf(output, output.Max());
        Assert.Equal(2000 + denoiser.Latency, peak);
        Assert.Equal(0.5f, output[peak], 3);
    }

    [Fact]
    public void CrossCorrelationPeaksAtTheReportedLatency()
    {
        var denoiser = new Denoiser(RandomSmall.Value);
        float[] voiced = SyntheticSignals.Voiced([new(1.5, 150, 200)], 2).Signal;
        float[] input = SyntheticSignals.Mix(voiced, SyntheticSignals.WhiteNoise(voiced.Length, 3), 10);
        float[] output = Run(denoiser, input, 480);
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int lag = 0; lag < 4000; lag++)
        {
            double s = 0;
            for (int i = 0; i + lag < output.Length; i += 2)
            {
                s += input[i] * (double)output[i + lag];
            }

            if (s > bestScore)
            {
                bestScore = s;
                best = lag;
            }
        }

        Assert.Equal(denoiser.Latency, best);
    }

    [Fact]
    public void WholeFramesHaveTheSpecLatency()
    {
        var denoiser = new Denoiser(PassThrough(), new DenoiserOptions { PostfilterStrength = 0 });
        var input = new float[4800];
        input[700] = 0.5f;
        var output = new float[input.Length];
        for (int t = 0; t < input.Length; t += 480)
        {
            denoiser.ProcessFrame(input.AsSpan(t, 480), output.AsSpan(t, 480));
        }

        Assert.Equal(700 + 1440, Array.IndexOf(output, output.Max()));
        Assert.Throws<InvalidOperationException>(() => denoiser.Process(new float[10], new float[10]));
    }

    [Fact]
    public void BlockSizeDoesNotChangeTheOutput()
    {
        float[] voiced = SyntheticSignals.Voiced([new(1.2, 120, 180)], 4).Signal;
        float[] input = SyntheticSignals.Mix(voiced, SyntheticSignals.Babble(voiced.Length, 5), 5);
        float[] reference = Run(new Denoiser(RandomSmall.Value), input, 480);
        foreach (int block in new[] { 1, 17, 48000 })
        {
            Assert.Equal(reference, Run(new Denoiser(RandomSmall.Value), input, block));
        }
    }

    [Fact]
    public void FlushReturnsTheTailAndResets()
    {
        var denoiser = new Denoiser(PassThrough(), new DenoiserOptions { PostfilterStrength = 0 });
        var input = new float[1000];
        input[999] = 0.5f;
        float[] output = Run(denoiser, input, 1000);
        var tail = new float[denoiser.Latency];
        Assert.Equal(denoiser.Latency, denoiser.Flush(tail));
        // Input sample 999 leaves at stream position 999 + 1919, the last sample of the tail.
        Assert.Equal(0.5f, tail[^1], 3);
        Assert.Equal(0f, output.Max(), 3);
    }

    [Fact]
    public void NoAllocationPerCall()
    {
        var denoiser = new Denoiser(RandomSmall.Value);
        var input = SyntheticSignals.WhiteNoise(48000, 6, 0.1);
        var output = new float[input.Length];
        foreach (int block in new[] { 1, 17, 480, 4800 })
        {
            // The first pass lets the JIT finish with this call pattern; the second is measured.
            for (int start = 0; start + block <= input.Length; start += block)
            {
                denoiser.Process(input.AsSpan(start, block), output.AsSpan(start, block));
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int start = 0; start + block <= input.Length; start += block)
            {
                denoiser.Process(input.AsSpan(start, block), output.AsSpan(start, block));
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"block {block}: {allocated} bytes");
        }
    }

    [Fact]
    public void HostileInputNeverBreaksTheOutputAndTheStreamRecovers()
    {
        var denoiser = new Denoiser(RandomSmall.Value);
        float[] speech = SyntheticSignals.Voiced([new(1.0, 150, 150)], 7).Signal;
        var input = new List<float>();
        input.AddRange(speech[..24000]);
        input.AddRange(Enumerable.Repeat(float.NaN, 100));
        input.AddRange(Enumerable.Repeat(float.PositiveInfinity, 50));
        input.AddRange(Enumerable.Repeat(float.NegativeInfinity, 50));
        input.AddRange(Enumerable.Repeat(1e30f, 480));
        input.AddRange(Enumerable.Repeat(-3f, 480));
        input.AddRange(Enumerable.Repeat(0.9f, 9600)); // DC
        input.AddRange(new float[9600]);                // digital silence
        input.AddRange(speech[..24000]);
        float[] output = Run(denoiser, [.. input], 256);
        Assert.All(output, y => Assert.True(float.IsFinite(y) && y >= -1f && y <= 1f));

        // Recovery: the last half second matches a fresh denoiser that heard only the trailing silence and speech.
        var fresh = new Denoiser(RandomSmall.Value);
        float[] tail = [.. new float[9600], .. speech[..24000]];
        float[] freshOutput = Run(fresh, tail, 256);
        double diff = 0, power = 0;
        for (int i = 1; i <= 12000; i++)
        {
            double a = output[^i], b = freshOutput[^i];
            diff += (a - b) * (a - b);
            power += b * b;
        }

        Assert.True(diff / power < 1e-2, $"relative difference after recovery {diff / power:E2}");
    }

    [Fact]
    public void AttenuationLimitBoundsTheSuppression()
    {
        // Gains near 0 whatever the input: the output level is set by the limit alone.
        var p = new ModelParameters(ModelShape.Small);
        Array.Fill(p["gain_output"].Bias, -30f);
        Array.Fill(p["strength_output"].Bias, -30f);
        var model = new CompiledModel(p, Quantisation.Float32.ToPrecision());
        float[] noise = SyntheticSignals.WhiteNoise(48000, 8, 0.1);
        float[] limited = Run(new Denoiser(model, new DenoiserOptions { AttenuationLimitDb = 12, PostfilterStrength = 0 }), noise, 480);
        double ratioDb = 10 * Math.Log10(SyntheticSignals.Power(limited.AsSpan(9600)) / SyntheticSignals.Power(noise.AsSpan(9600 - 1919, 38400 - 1919)));
        Assert.InRange(ratioDb, -12.5, -11.5);
        float[] open = Run(new Denoiser(model, new DenoiserOptions { PostfilterStrength = 0 }), noise, 480);
        Assert.True(SyntheticSignals.Power(open.AsSpan(9600)) < 1e-8);
    }

    [Fact]
    public void InstancesRunInParallelWithSharedWeights()
    {
        float[] input = SyntheticSignals.WhiteNoise(24000, 9, 0.1);
        float[] expected = Run(new Denoiser(RandomSmall.Value), input, 480);
        var results = new float[8][];
        Parallel.For(0, results.Length, i => results[i] = Run(new Denoiser(RandomSmall.Value), input, 100 + i));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void SpeechActivityFollowsTheGains()
    {
        var pass = new Denoiser(PassThrough());
        Run(pass, SyntheticSignals.WhiteNoise(9600, 10, 0.1), 480);
        Assert.Equal(1f, pass.SpeechActivity, 3);

        var p = new ModelParameters(ModelShape.Small);
        Array.Fill(p["gain_output"].Bias, -30f);
        var mute = new Denoiser(new CompiledModel(p, Quantisation.Int8.ToPrecision()));
        Run(mute, SyntheticSignals.WhiteNoise(9600, 10, 0.1), 480);
        Assert.Equal(0f, mute.SpeechActivity, 3);
    }

    [Fact]
    public void TheDefaultModelIsEmbedded()
    {
        Assert.True(DefaultModel.IsAvailable);
        var denoiser = new Denoiser();
        Assert.Equal(1919, denoiser.Latency);
        Assert.Same(Model.Default, Model.Default);
        Assert.Equal("medium", Model.Default.Preset);
        Assert.Equal(Quantisation.Int8, Model.Default.Quantisation);
    }

    [Fact]
    public void OptionsOutOfRangeAreRefusedByName()
    {
        Assert.Contains("AttenuationLimitDb", Assert.Throws<ArgumentOutOfRangeException>(() => new DenoiserOptions { AttenuationLimitDb = -1 }).Message);
        Assert.Contains("PostfilterStrength", Assert.Throws<ArgumentOutOfRangeException>(() => new DenoiserOptions { PostfilterStrength = 1.5f }).Message);
        Assert.Contains("PostfilterBeta", Assert.Throws<ArgumentOutOfRangeException>(() => new DenoiserOptions { PostfilterBeta = float.NaN }).Message);
    }

    [Fact]
    public void PostfilterStrengthBlendsBetweenOffAndFull()
    {
        float[] noise = SyntheticSignals.WhiteNoise(48000, 3, 0.1);
        Model model = Model.Default;
        float[] off = Run(new Denoiser(model, new DenoiserOptions { PostfilterStrength = 0 }), noise, 480);
        float[] half = Run(new Denoiser(model, new DenoiserOptions { PostfilterStrength = 0.5f }), noise, 480);
        float[] full = Run(new Denoiser(model), noise, 480);
        double Energy(float[] x) => x.Sum(v => (double)v * v);
        Assert.NotEqual(Energy(off), Energy(full));
        double lo = Math.Min(Energy(off), Energy(full)), hi = Math.Max(Energy(off), Energy(full));
        Assert.InRange(Energy(half), lo, hi);
    }

    [Fact]
    public void InputAndOutputClampingOnVectorsGiveWhatTheScalarRuleGives()
    {
        // Every kind of value, at every position of an 8-lane vector and in the scalar tail.
        float[] kinds = [0f, -0f, 0.5f, -0.5f, 1f, -1f, 1.5f, -3f, 1e30f, -1e30f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f];
        var random = new Random(4);
        float[] input = [.. Enumerable.Range(0, 483).Select(_ => kinds[random.Next(kinds.Length)])];
        float[] expected = [.. input.Select(x => float.IsFinite(x) ? Math.Clamp(x, -1f, 1f) : 0f)];

        var sanitised = new float[input.Length];
        Denoiser.Sanitise(input, sanitised);
        float[] clamped = [.. input];
        Denoiser.Sanitise(clamped, clamped); // in place, as on the output

        Assert.Equal(expected, sanitised);
        Assert.Equal(expected, clamped);
    }
}
