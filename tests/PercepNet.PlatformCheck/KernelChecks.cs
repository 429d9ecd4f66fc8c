using PercepNet.Modelling;
using PercepNet.Network;

namespace PercepNet.PlatformCheck;

/// <summary>
/// Every matrix kernel this CPU can run, against the portable kernel: the int8 sums must agree bit for bit (DESIGN
/// §8: integer arithmetic, the same on every instruction set), one vector at a time, in blocks, and through a whole
/// network frame by frame and in blocks of every length; float dot products to rounding.
/// </summary>
public static class KernelChecks
{
    /// <summary>The kernels this CPU runs, by name; the portable reference first.</summary>
    internal static IReadOnlyList<(string Name, MatrixKernels Kernels)> Available()
    {
        var kernels = new List<(string, MatrixKernels)>
        {
            ("portable", PortableKernels.Instance),
            ("vector128-cross-platform", Vector128Kernels.CrossPlatform),
        };
        foreach (KernelPath path in KernelPaths.Supported.Where(p => p != KernelPath.Portable))
        {
            kernels.Add((path.ToString().ToLowerInvariant(), MatrixKernels.For(path)));
        }

        return kernels;
    }

    /// <summary>Runs every check on every kernel, one line each ("ok …" or "FAIL …"); true when all held.</summary>
    public static bool Run(TextWriter output)
    {
        bool all = true;
        foreach ((string name, MatrixKernels kernels) in Available().Skip(1))
        {
            foreach ((string check, Func<MatrixKernels, string?> run) in Checks)
            {
                string? failure = run(kernels);
                output.WriteLine(failure is null ? $"ok {name} {check}" : $"FAIL {name} {check}: {failure}");
                all &= failure is null;
            }
        }

        output.WriteLine(all ? "all kernel checks held" : "some kernel checks failed");
        return all;
    }

    private static readonly (string Name, Func<MatrixKernels, string?> Run)[] Checks =
    [
        ("int8-sums", Int8Sums),
        ("int8-blocks", Int8Blocks),
        ("network-frames", kernels => Network(kernels, blocked: false)),
        ("network-blocks", kernels => Network(kernels, blocked: true)),
        ("float-dot", FloatDot),
    ];

    /// <summary>Random, all-largest and alternating-sign weights and codes, for every row count 1…9 and several strides.</summary>
    internal static string? Int8Sums(MatrixKernels kernels)
    {
        var random = new Random(21);
        foreach (int stride in (int[])[32, 64, 96, 160, 256])
        {
            for (int rows = 1; rows <= 9; rows++)
            {
                for (int fill = 0; fill < 4; fill++)
                {
                    (byte[] u, sbyte[] w, int[] sums) = Matrix(random, rows, stride, count: 1, fill);
                    var expected = new float[rows];
                    var actual = new float[rows];
                    int offset = random.Next(0, 128);
                    float scale = (float)(random.NextDouble() * 1e-3);
                    PortableKernels.Instance.Int8(u, w, sums, stride, offset, scale, expected);
                    kernels.Int8(u, w, sums, stride, offset, scale, actual);
                    if (FirstDifference(expected, actual) is int at)
                    {
                        return $"stride {stride}, {rows} rows, fill {fill}: row {at} is {actual[at]:R}, the portable kernel gives {expected[at]:R}";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>1…9 vectors at once (tiles and their remainders) against the portable kernel one vector at a time.</summary>
    internal static string? Int8Blocks(MatrixKernels kernels)
    {
        var random = new Random(22);
        foreach (int rows in (int[])[1, 2, 7, 8])
        {
            for (int count = 1; count <= 9; count++)
            {
                const int Stride = 96;
                (byte[] u, sbyte[] w, int[] sums) = Matrix(random, rows, Stride, count, fill: 0);
                var expected = new float[count * rows];
                var actual = new float[count * rows];
                for (int k = 0; k < count; k++)
                {
                    PortableKernels.Instance.Int8(u.AsSpan(k * Stride, Stride), w, sums, Stride, 3, 0.01f, expected.AsSpan(k * rows, rows));
                }

                kernels.Int8Block(u, count, w, sums, Stride, 3, 0.01f, actual);
                if (FirstDifference(expected, actual) is int at)
                {
                    return $"{rows} rows, {count} vectors: output {at} is {actual[at]:R}, the portable kernel gives {expected[at]:R}";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A random medium int8 network (every layer width) frame by frame, or in blocks of 1 to 2·BlockFrames + 3 frames
    /// through <see cref="PercepNetNetwork.EstimateBlock"/>: the gains and strengths of the portable kernel frame by frame.
    /// </summary>
    internal static string? Network(MatrixKernels kernels, bool blocked)
    {
        var model = new CompiledModel(RandomModel.Create(ModelShape.Medium, seed: 23), Quantisation.Int8.ToPrecision());
        float[][] features = Features(blocked ? 120 : 40, blocked ? 25 : 24);
        return CompareRuns(features, new PercepNetNetwork(model, PortableKernels.Instance), new PercepNetNetwork(model, kernels), blocked);
    }

    /// <summary>Float dot products of every length 0…100 within float rounding of a double-precision sum.</summary>
    internal static string? FloatDot(MatrixKernels kernels)
    {
        var random = new Random(26);
        for (int n = 0; n <= 100; n++)
        {
            float[] a = [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            float[] b = [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            double exact = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                exact += a[i] * (double)b[i];
                magnitude += Math.Abs(a[i] * (double)b[i]);
            }

            float got = kernels.Dot(a, b);
            if (Math.Abs(got - exact) > (1e-6 * magnitude) + 1e-30)
            {
                return $"length {n}: {got:R}, exact {exact:R}";
            }
        }

        return null;
    }

    /// <summary>
    /// Codes 0…127 and weights −127…127 for <paramref name="fill"/> 0 (random), 1 (all largest, positive weights),
    /// 2 (all largest, negative weights), 3 (largest codes, alternating signs), with the row sums the kernels subtract.
    /// </summary>
    private static (byte[] U, sbyte[] W, int[] RowSums) Matrix(Random random, int rows, int stride, int count, int fill)
    {
        var u = new byte[count * stride];
        var w = new sbyte[rows * stride];
        var sums = new int[rows];
        for (int i = 0; i < u.Length; i++)
        {
            u[i] = fill == 0 ? (byte)random.Next(0, 128) : (byte)127;
        }

        for (int i = 0; i < w.Length; i++)
        {
            w[i] = fill switch
            {
                0 => (sbyte)random.Next(-127, 128),
                1 => 127,
                2 => -127,
                _ => (sbyte)(i % 2 == 0 ? 127 : -127),
            };
            sums[i / stride] += w[i];
        }

        return (u, w, sums);
    }

    /// <summary>Like real features: log-energies about −2…8, coherences, period and correlation in 0…1.</summary>
    private static float[][] Features(int frames, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, frames).Select(_ => Enumerable.Range(0, ModelShape.Inputs)
            .Select(i => i < 34 ? (float)((random.NextDouble() * 10) - 2) : (float)random.NextDouble()).ToArray())];
    }

    private static string? CompareRuns(float[][] features, PercepNetNetwork expected, PercepNetNetwork actual, bool blocked)
    {
        int outputs = ModelShape.Outputs;
        int t = 0;
        for (int length = 1; t < features.Length; length = blocked ? (length % ((2 * PercepNetNetwork.BlockFrames) + 3)) + 1 : 1)
        {
            int n = Math.Min(length, features.Length - t);
            var eg = new float[n * outputs];
            var es = new float[n * outputs];
            for (int k = 0; k < n; k++)
            {
                expected.Estimate(features[t + k], eg.AsSpan(k * outputs, outputs), es.AsSpan(k * outputs, outputs));
            }

            var ag = new float[n * outputs];
            var @as = new float[n * outputs];
            actual.EstimateBlock([.. features.Skip(t).Take(n).SelectMany(f => f)], ag, @as);
            if ((FirstDifference(eg, ag) ?? FirstDifference(es, @as)) is int at)
            {
                return $"frames {t}…{t + n - 1}: output {at} differs from the portable kernel's";
            }

            t += n;
        }

        return null;
    }

    private static int? FirstDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                return i;
            }
        }

        return null;
    }
}
