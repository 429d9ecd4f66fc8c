using PercepNet.Training;
using static TorchSharp.torch;

namespace PercepNet.Tests.Training;

public class AdamOptimizerTests
{
    private static readonly double[] Start = [0.3, -0.2, 0.05, 0.45, -0.4];

    /// <summary>The gradient of step t (1-based) for parameter i: varied signs and sizes, one gradient exactly 0.</summary>
    private static double Gradient(int t, int i) => i == 2 ? 0 : Math.Sin((1.7 * t) + i) * Math.Pow(10, (i % 3) - 1);

    /// <summary>Adam as written in Kingma and Ba (with PyTorch's ε placement), in double precision, as the reference.</summary>
    private static double[] ReferenceAdam(int steps, double lr)
    {
        double[] p = [.. Start], m = new double[p.Length], v = new double[p.Length];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = Gradient(t, i);
                m[i] = (0.9 * m[i]) + (0.1 * g);
                v[i] = (0.999 * v[i]) + (0.001 * g * g);
                double mHat = m[i] / (1 - Math.Pow(0.9, t)), rootVHat = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, t));
                p[i] -= lr * mHat / (rootVHat + 1e-8);
            }
        }

        return p;
    }

    /// <summary>Sets the parameter's gradient to step t's by back-propagating Σ gᵢ·pᵢ.</summary>
    private static void Backward(Tensor parameter, int t)
    {
        using var scope = NewDisposeScope();
        Tensor weights = tensor(Enumerable.Range(0, Start.Length).Select(i => (float)Gradient(t, i)).ToArray());
        (parameter * weights).sum().backward();
    }

    private static Tensor NewParameter() => new TorchSharp.Modules.Parameter(tensor(Start.Select(x => (float)x).ToArray()));

    [SkippableFact]
    public void StepsMatchAnIndependentComputationOfAdam()
    {
        TorchParityTests.RequireTorch();
        using Tensor p = NewParameter();
        using var adam = new AdamOptimizer([p], 0.01);
        for (int t = 1; t <= 25; t++)
        {
            adam.ZeroGrad();
            Backward(p, t);
            adam.Step();
        }

        double[] expected = ReferenceAdam(25, 0.01);
        float[] actual = p.data<float>().ToArray();
        Assert.Equal(25, adam.Steps);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) < 1e-6, $"parameter {i}: {actual[i]} vs {expected[i]}");
        }

        Assert.Equal(Start[2], actual[2], 6); // a zero gradient never moves its parameter
    }

    [SkippableFact]
    public void SavedStateResumesTheSameTrajectory()
    {
        TorchParityTests.RequireTorch();
        using Tensor straight = NewParameter(), resumed = NewParameter();
        using var a = new AdamOptimizer([straight], 0.01);
        var buffer = new MemoryStream();
        using (var b = new AdamOptimizer([resumed], 0.01))
        {
            for (int t = 1; t <= 10; t++)
            {
                foreach ((AdamOptimizer adam, Tensor p) in new[] { (a, straight), (b, resumed) })
                {
                    adam.ZeroGrad();
                    Backward(p, t);
                    adam.Step();
                }
            }

            using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
            b.Save(writer);
        }

        using var c = new AdamOptimizer([resumed], 0.01);
        buffer.Position = 0;
        using (var reader = new BinaryReader(buffer))
        {
            c.Load(reader);
        }

        for (int t = 11; t <= 20; t++)
        {
            foreach ((AdamOptimizer adam, Tensor p) in new[] { (a, straight), (c, resumed) })
            {
                adam.ZeroGrad();
                Backward(p, t);
                adam.Step();
            }
        }

        Assert.Equal(straight.data<float>().ToArray(), resumed.data<float>().ToArray());
    }

    [SkippableFact]
    public void StateFromAnotherWriterIsRefusedWithAMessage()
    {
        TorchParityTests.RequireTorch();
        using Tensor p = NewParameter();
        using var adam = new AdamOptimizer([p], 0.01);
        using var reader = new BinaryReader(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]));
        var error = Assert.Throws<InvalidDataException>(() => adam.Load(reader));
        Assert.Contains("optimiser state", error.Message);
    }
}
