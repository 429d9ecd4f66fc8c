using PercepNet.Network;
using Xunit.Abstractions;

namespace PercepNet.Tests.Network;

public class NetworkTests(ITestOutputHelper output)
{
    private static float[][] RandomFeatures(int frames, int seed)
    {
        var random = new Random(seed);
        var result = new float[frames][];
        for (int t = 0; t < frames; t++)
        {
            result[t] = new float[ModelShape.Inputs];
            for (int i = 0; i < ModelShape.Inputs; i++)
            {
                // Like real features: log-energies about −2..8, coherences 0..1, period and correlation.
                result[t][i] = i < 34 ? (float)((random.NextDouble() * 10) - 2) : (float)random.NextDouble();
            }
        }

        return result;
    }

    private static (float[][] Gains, float[][] Strengths) Run(IGainEstimator network, float[][] features)
    {
        var gains = new float[features.Length][];
        var strengths = new float[features.Length][];
        for (int t = 0; t < features.Length; t++)
        {
            gains[t] = new float[34];
            strengths[t] = new float[34];
            network.Estimate(features[t], gains[t], strengths[t]);
        }

        return (gains, strengths);
    }

    /// <summary>Every kernel implementation this CPU can run, by name (the cross-platform Vector128 one everywhere).</summary>
    public static TheoryData<string> KernelNames() => [.. Kernels().Keys];

    private static Dictionary<string, MatrixKernels> Kernels()
    {
        var kernels = new Dictionary<string, MatrixKernels>
        {
            ["portable"] = PortableKernels.Instance,
            ["vector128-cross-platform"] = Vector128Kernels.CrossPlatform,
        };
        if (KernelPaths.IsSupported(KernelPath.Vector128))
        {
            kernels["vector128"] = Vector128Kernels.Instance;
        }

        if (KernelPaths.IsSupported(KernelPath.Avx2))
        {
            kernels["avx2"] = Avx2Kernels.Instance;
        }

        if (KernelPaths.IsSupported(KernelPath.AvxVnni))
        {
            kernels["avx-vnni"] = AvxVnniKernels.Instance;
        }

        return kernels;
    }

    [SkippableTheory]
    [InlineData("small", "Portable")]
    [InlineData("small", "Vector128")]
    [InlineData("small", "Avx2")]
    [InlineData("medium", "Avx2")]
    [InlineData("medium", "AvxVnni")]
    public void FloatRuntimeMatchesTheDoublePrecisionReference(string preset, string pathName)
    {
        KernelPath path = Enum.Parse<KernelPath>(pathName);
        Skip.IfNot(KernelPaths.IsSupported(path), $"this CPU cannot run the {path} kernels");
        ModelParameters parameters = RandomModel.Create(ModelShape.FromPreset(preset), seed: 5);
        float[][] features = RandomFeatures(40, 6);
        var network = new PercepNetNetwork(new CompiledModel(parameters, Quantisation.Float32.ToPrecision()), path);
        var reference = new ReferenceNetwork(parameters);
        (float[][] gains, float[][] strengths) = Run(network, features);
        double worst = 0;
        for (int t = 0; t < features.Length; t++)
        {
            (double[] g, double[] s) = reference.Step(features[t]);
            for (int b = 0; b < 34; b++)
            {
                worst = Math.Max(worst, Math.Max(Math.Abs(gains[t][b] - g[b]), Math.Abs(strengths[t][b] - s[b])));
            }
        }

        output.WriteLine($"{preset} {path}: largest difference from the double reference {worst:E2}");
        Assert.True(worst <= 1e-5, $"largest difference {worst:E2}");
    }

    [Theory]
    [InlineData("small")]
    [InlineData("medium")]
    public void Int8MatchesFloatWithinTheDocumentedBound(string preset)
    {
        ModelParameters parameters = RandomModel.Create(ModelShape.FromPreset(preset), seed: 7);
        float[][] features = RandomFeatures(200, 8);
        (float[][] fg, float[][] fs) = Run(new PercepNetNetwork(new CompiledModel(parameters, Quantisation.Float32.ToPrecision())), features);
        (float[][] qg, float[][] qs) = Run(new PercepNetNetwork(new CompiledModel(parameters, Quantisation.Int8.ToPrecision())), features);
        double error = 0, power = 0, worst = 0;
        for (int t = 0; t < features.Length; t++)
        {
            for (int b = 0; b < 34; b++)
            {
                foreach ((float f, float q) in new[] { (fg[t][b], qg[t][b]), (fs[t][b], qs[t][b]) })
                {
                    error += (f - q) * (double)(f - q);
                    power += f * (double)f;
                    worst = Math.Max(worst, Math.Abs(f - q));
                }
            }
        }

        double relativeRms = Math.Sqrt(error / power);
        output.WriteLine($"{preset}: int8 vs float relative RMS error {relativeRms:P2}, largest difference {worst:F4}");
        Assert.True(relativeRms <= 0.02, $"relative RMS error {relativeRms:P2}");
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void EveryInt8KernelGivesThePortableResultExactly(string kernel)
    {
        // Integer sums: every instruction set must give the same bits (the medium model has every layer width).
        ModelParameters parameters = RandomModel.Create(ModelShape.Medium, seed: 9);
        var model = new CompiledModel(parameters, Quantisation.Int8.ToPrecision());
        float[][] features = RandomFeatures(30, 10);
        (float[][] a, float[][] sa) = Run(new PercepNetNetwork(model, Kernels()[kernel]), features);
        (float[][] b, float[][] sb) = Run(new PercepNetNetwork(model, PortableKernels.Instance), features);
        for (int t = 0; t < features.Length; t++)
        {
            Assert.Equal(a[t], b[t]);
            Assert.Equal(sa[t], sb[t]);
        }
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void BlocksGiveTheFrameByFrameResultsExactly(string kernel)
    {
        // Blocks of 1 to 2·BlockFrames + 3 frames (parts, tiles of four and their remainders), interleaved with single
        // frames, through int8 and float weights: the outputs, and the state carried on, as frame by frame.
        ModelParameters parameters = RandomModel.Create(ModelShape.Medium, seed: 13);
        float[][] features = RandomFeatures(120, 14);
        foreach (Quantisation quantisation in new[] { Quantisation.Int8, Quantisation.Float32 })
        {
            var model = new CompiledModel(parameters, quantisation.ToPrecision());
            (float[][] gains, float[][] strengths) = Run(new PercepNetNetwork(model, Kernels()[kernel]), features);
            var blocked = new PercepNetNetwork(model, Kernels()[kernel]);
            int t = 0;
            for (int length = 1; t < features.Length; length = (length % ((2 * PercepNetNetwork.BlockFrames) + 3)) + 1)
            {
                int n = Math.Min(length, features.Length - t);
                float[] f = [.. features.Skip(t).Take(n).SelectMany(x => x)];
                var g = new float[n * 34];
                var s = new float[n * 34];
                if (n == 1 && t % 2 == 0)
                {
                    blocked.Estimate(f, g, s);
                }
                else
                {
                    blocked.EstimateBlock(f, g, s);
                }

                for (int k = 0; k < n; k++)
                {
                    Assert.Equal(gains[t + k], g.AsSpan(k * 34, 34).ToArray());
                    Assert.Equal(strengths[t + k], s.AsSpan(k * 34, 34).ToArray());
                }

                t += n;
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void BlockKernelGivesTheOneVectorSums(string kernel)
    {
        // An odd number of rows and 1..9 vectors: every tile and remainder of a blocked kernel.
        const int Rows = 7, Stride = 96;
        var random = new Random(15);
        var weights = new sbyte[Rows * Stride];
        var rowSums = new int[Rows];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (sbyte)random.Next(-127, 128);
            rowSums[i / Stride] += weights[i];
        }

        MatrixKernels kernels = Kernels()[kernel];
        for (int count = 1; count <= 9; count++)
        {
            var u = new byte[count * Stride];
            for (int i = 0; i < u.Length; i++)
            {
                u[i] = (byte)random.Next(0, 128);
            }

            var blocked = new float[count * Rows];
            kernels.Int8Block(u, count, weights, rowSums, Stride, 64, 0.001f, blocked);
            for (int k = 0; k < count; k++)
            {
                var one = new float[Rows];
                PortableKernels.Instance.Int8(u.AsSpan(k * Stride, Stride), weights, rowSums, Stride, 64, 0.001f, one);
                Assert.Equal(one, blocked.AsSpan(k * Rows, Rows).ToArray());
            }
        }
    }

    [Fact]
    public void VectorQuantisationGivesTheScalarCodes()
    {
        // Edge values (NaN, infinities, signed zeros, the clamp, every rounding midpoint) and random ones, 1,031 in
        // all so the vector loop and the one-by-one remainder both run.
        var values = new List<float> { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, -1f, 2f, -2f, 1e-30f };
        for (int k = -64; k <= 64; k++)
        {
            values.Add((k + 0.5f) / Int8WeightMatrix.ActivationScale);
            values.Add(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((k + 0.5f) / Int8WeightMatrix.ActivationScale) + 1));
        }

        var random = new Random(11);
        while (values.Count < 1031)
        {
            values.Add((float)((random.NextDouble() * 2.4) - 1.2));
        }

        float[] x = [.. values];
        var codes = new byte[x.Length];
        Int8WeightMatrix.QuantiseActivations(x, codes);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Int8WeightMatrix.QuantiseActivation(x[i]) == codes[i], $"x = {x[i]:R}: code {codes[i]}, one by one {Int8WeightMatrix.QuantiseActivation(x[i])}");
        }
    }

    [Fact]
    public void ElementWiseStepsGiveTheScalarExpressions()
    {
        // 37 values: vectors of every width and a remainder. Reference: the scalar expressions written out here.
        var random = new Random(12);
        float[] Values() => [.. Enumerable.Range(0, 37).Select(_ => (float)((random.NextDouble() * 4) - 2))];
        float[] y = Values(), a = Values(), b = Values(), c = Values(), g = Values();
        float[] sum = (float[])y.Clone(), gated = (float[])y.Clone(), added = (float[])y.Clone(), h = (float[])y.Clone();
        ElementWise.Add(added, a);
        ElementWise.AddSum(sum, a, b, c);
        ElementWise.AddGated(gated, a, g, b, c);
        ElementWise.Interpolate(h, a, g);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(y[i] + a[i], added[i]);
            Assert.Equal(y[i] + (a[i] + b[i] + c[i]), sum[i]);
            Assert.Equal(y[i] + (a[i] + (g[i] * (b[i] + c[i]))), gated[i]);
            Assert.Equal(((1f - g[i]) * a[i]) + (g[i] * y[i]), h[i]);
        }
    }

    [Fact]
    public void ResetRestartsTheStream()
    {
        var network = new PercepNetNetwork(new CompiledModel(RandomModel.Create(ModelShape.Small, 1), Quantisation.Int8.ToPrecision()));
        float[][] features = RandomFeatures(20, 2);
        (float[][] first, _) = Run(network, features);
        network.Reset();
        (float[][] second, _) = Run(network, features);
        Assert.Equal(first[^1], second[^1]);
    }

    [Fact]
    public void PresetSizesAreAsDocumented()
    {
        foreach (ModelShape shape in ModelShape.Presets)
        {
            output.WriteLine($"{shape.Preset}: {shape.ParameterCount:N0} parameters");
        }

        Assert.InRange(ModelShape.Paper.ParameterCount, 7_900_000, 8_000_000);
        Assert.InRange(ModelShape.Medium.ParameterCount, 1_800_000, 1_900_000);
        Assert.InRange(ModelShape.Small.ParameterCount, 780_000, 830_000);
        var p = RandomModel.Create(ModelShape.Small, 1);
        Assert.Equal(ModelShape.Small.ParameterCount, p.Tensors().Sum(t => (long)t.Values.Length));
    }

    [Fact]
    public void FastActivationsAreAccurate()
    {
        double worstTanh = 0, worstSigmoid = 0;
        for (double x = -20; x <= 20; x += 1e-3)
        {
            worstTanh = Math.Max(worstTanh, Math.Abs(Activations.Tanh((float)x) - Math.Tanh((float)x)));
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(Activations.Sigmoid((float)x) - (1 / (1 + Math.Exp(-(float)x)))));
        }

        Assert.True(worstTanh < 3e-7, $"tanh {worstTanh:E2}");
        Assert.True(worstSigmoid < 3e-7, $"sigmoid {worstSigmoid:E2}");
        var values = Enumerable.Range(-50, 101).Select(i => i * 0.37f).Append(float.NaN).ToArray();
        var vector = (float[])values.Clone();
        Activations.Tanh(vector);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(Activations.Tanh(values[i]), vector[i]);
        }

        Assert.Equal(0f, vector[^1]);
    }
}
