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
        foreach ((TensorSpec tensor, float[] values) in model.Tensors())
        {
            double limit = tensor.IsWeight ? Math.Min(0.5, 1.5 / Math.Sqrt(tensor.Columns)) : 0.1;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * limit);
            }
        }

        return model;
    }
}
