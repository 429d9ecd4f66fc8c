using PercepNet.Network;
using PercepNet.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace PercepNet.Tests.Training;

public class TorchParityTests(ITestOutputHelper output)
{
    internal static void RequireTorch()
    {
        string? problem = TorchLoader.Ensure();
        Skip.If(problem is not null, problem);
    }

    [SkippableTheory]
    [InlineData("small")]
    [InlineData("medium")]
    public void ExportedWeightsGiveTheSameOutputsInTheRuntime(string preset)
    {
        RequireTorch();
        ModelShape shape = ModelShape.FromPreset(preset);
        torch.manual_seed(3);
        using var model = new PercepNetTorchModel(shape);
        model.Import(RandomModel.Create(shape, 4));
        const int Frames = 500;
        var random = new Random(5);
        var features = new float[Frames * ModelShape.Inputs];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (i % ModelShape.Inputs) < 34 ? (float)((random.NextDouble() * 10) - 2) : (float)random.NextDouble();
        }

        float[] torchGains, torchStrengths;
        using (torch.no_grad())
        {
            using var x = torch.tensor(features).reshape(1, Frames, ModelShape.Inputs);
            (torch.Tensor g, torch.Tensor s) = model.forward(x);
            torchGains = g.data<float>().ToArray();
            torchStrengths = s.data<float>().ToArray();
            g.Dispose();
            s.Dispose();
        }

        ModelParameters exported = model.Export();
        foreach (Quantisation quantisation in new[] { Quantisation.Float32, Quantisation.Int8 })
        {
            var runtime = new PercepNetNetwork(new CompiledModel(exported, quantisation.ToPrecision()));
            var gains = new float[34];
            var strengths = new float[34];
            double worst = 0, error = 0, power = 0;
            for (int t = 0; t < Frames; t++)
            {
                runtime.Estimate(features.AsSpan(t * ModelShape.Inputs, ModelShape.Inputs), gains, strengths);
                for (int b = 0; b < 34; b++)
                {
                    foreach ((float r, float q) in new[] { (torchGains[(t * 34) + b], gains[b]), (torchStrengths[(t * 34) + b], strengths[b]) })
                    {
                        worst = Math.Max(worst, Math.Abs(r - q));
                        error += (r - q) * (double)(r - q);
                        power += r * (double)r;
                    }
                }
            }

            double relative = Math.Sqrt(error / power);
            output.WriteLine($"{preset} {quantisation}: largest difference {worst:E2}, relative RMS {relative:P3}");
            if (quantisation == Quantisation.Float32)
            {
                Assert.True(worst <= 1e-4, $"float: largest difference {worst:E2}");
            }
            else
            {
                Assert.True(relative <= 0.02, $"int8: relative RMS {relative:P2}");
            }
        }
    }
}
