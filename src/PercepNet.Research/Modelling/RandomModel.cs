using PercepNet.Network;

namespace PercepNet.Modelling;

/// <summary>Models with random weights: runnable, for speed measurements and tests before (or without) training.</summary>
internal static class RandomModel
{
    /// <summary>
    /// Random parameters for speed measurements and tests: weights uniform in ±min(½, 1.5/√fan-in) (inside the ±½
    /// range of DESIGN §8), biases uniform in ±0.1.
    /// </summary>
    public static ModelParameters Create(ModelShape shape, int seed)
    {
        var model = new ModelParameters(shape);
        var random = new System.Random(seed);
        foreach ((string name, float[] values, bool isWeight) in model.Tensors())
        {
            int fanIn = FanIn(model, name);
            double limit = isWeight ? Math.Min(0.5, 1.5 / Math.Sqrt(fanIn)) : 0.1;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * limit);
            }
        }

        return model;
    }

    private static int FanIn(ModelParameters m, string name) => name.Split('.')[0] switch
    {
        "input" => m.Input.Inputs,
        "conv1" => m.Conv1.Inputs * m.Conv1.Kernel,
        "conv2" => m.Conv2.Inputs * m.Conv2.Kernel,
        "gain_output" => m.GainOutput.Inputs,
        "strength_output" => m.StrengthOutput.Inputs,
        _ => Gru(m, name.Split('.')[0]) is { } gru
            ? (name.EndsWith("_hh", StringComparison.Ordinal) ? gru.Hidden : gru.Inputs)
            : 1,
    };

    private static GruParameters? Gru(ModelParameters m, string layer) => layer switch
    {
        "gru1" => m.Gru1,
        "gru2" => m.Gru2,
        "gru3" => m.Gru3,
        "gain_gru" => m.GainGru,
        "strength_gru" => m.StrengthGru,
        _ => null,
    };
}
