using PercepNet.Dsp;
using PercepNet.Pipeline;

namespace PercepNet.Tests.Synthesis;

public class ReconstructionTests
{
    [Fact]
    public void VorbisWindowIsPowerComplementary()
    {
        ReadOnlySpan<float> w = VorbisWindow.Frame;
        for (int n = 0; n < FrameLayout.HopSize; n++)
        {
            Assert.Equal(1.0, (w[n] * (double)w[n]) + (w[n + 480] * (double)w[n + 480]), 6);
        }
    }

    private static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)((random.NextDouble() * 1.6) - 0.8);
        }

        return x;
    }

    private static double ErrorDb(float[] input, float[] output, int delay)
    {
        double error = 0, power = 0;
        for (int n = delay; n < output.Length; n++)
        {
            double d = output[n] - input[n - delay];
            error += d * d;
            power += input[n - delay] * (double)input[n - delay];
        }

        return 10 * Math.Log10(error / power);
    }

    [Fact]
    public void WholeHopsComeBackDelayedByTheFrameLatency()
    {
        float[] input = Noise(48000, 1);
        var output = new float[input.Length];
        var chain = new AnalysisSynthesisChain();
        Assert.Equal(1440, chain.Latency);
        for (int start = 0; start < input.Length; start += FrameLayout.HopSize)
        {
            chain.ProcessHop(input.AsSpan(start, 480), output.AsSpan(start, 480));
        }

        double db = ErrorDb(input, output, FrameLayout.FrameLatency);
        Assert.True(db < -90, $"reconstruction error {db:F1} dB");
        // Nothing arrives earlier than the latency (beyond rounding).
        Assert.All(output.AsSpan(0, FrameLayout.FrameLatency).ToArray(), v => Assert.True(MathF.Abs(v) < 1e-6f));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(479)]
    [InlineData(480)]
    [InlineData(481)]
    [InlineData(1000)]
    [InlineData(48000)]
    public void AnyBlockSizeComesBackDelayedByTheStreamLatency(int blockSize)
    {
        float[] input = Noise(48000, 2);
        var output = new float[input.Length];
        var stream = new HopStream(new AnalysisSynthesisChain());
        Assert.Equal(FrameLayout.StreamLatency, stream.Latency);
        for (int start = 0; start < input.Length; start += blockSize)
        {
            int n = Math.Min(blockSize, input.Length - start);
            stream.Process(input.AsSpan(start, n), output.AsSpan(start, n));
        }

        double db = ErrorDb(input, output, stream.Latency);
        Assert.True(db < -90, $"block {blockSize}: reconstruction error {db:F1} dB");
    }

    [Fact]
    public void ImpulseArrivesAtTheReportedLatency()
    {
        var input = new float[9600];
        input[3333] = 1f;
        var output = new float[input.Length];
        var stream = new HopStream(new AnalysisSynthesisChain());
        for (int start = 0; start < input.Length; start += 7)
        {
            int n = Math.Min(7, input.Length - start);
            stream.Process(input.AsSpan(start, n), output.AsSpan(start, n));
        }

        int peak = Array.IndexOf(output, output.Max());
        Assert.Equal(3333 + stream.Latency, peak);
        Assert.Equal(1f, output[peak], 4);
    }
}
