using PercepNet.Network;

namespace PercepNet.Tests.Network;

/// <summary>
/// An independent double-precision implementation of the network, written from PyTorch's definitions (Linear,
/// causal Conv1d with [out][in][k] weights and left padding, GRU with gates r, z, n), with Math.Tanh and exact
/// sigmoids. It shares nothing with the runtime but the parameter container.
/// </summary>
internal sealed class ReferenceNetwork(ModelParameters p)
{
    private readonly List<double[]> _denseHistory = [];
    private readonly List<double[]> _conv1History = [];
    private double[] _h1 = new double[p.Shape.GruWidth], _h2 = new double[p.Shape.GruWidth], _h3 = new double[p.Shape.GruWidth];
    private double[] _hg = new double[p.Shape.GainGruWidth], _hs = new double[p.Shape.StrengthGruWidth];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double[] Linear(float[] w, float[] b, double[] x, Func<double, double> act)
    {
        var y = new double[b.Length];
        for (int o = 0; o < y.Length; o++)
        {
            double s = b[o];
            for (int i = 0; i < x.Length; i++)
            {
                s += w[(o * x.Length) + i] * x[i];
            }

            y[o] = act(s);
        }

        return y;
    }

    private static double[] Conv(LayerParameters c, List<double[]> history)
    {
        var y = new double[c.Outputs];
        for (int o = 0; o < c.Outputs; o++)
        {
            double s = c.Bias[o];
            for (int k = 0; k < c.Kernel; k++)
            {
                // history[^1] is the newest input; tap k multiplies input t − (K − 1) + k (zero before the start).
                int index = history.Count - c.Kernel + k;
                if (index < 0)
                {
                    continue;
                }

                for (int i = 0; i < c.Inputs; i++)
                {
                    s += c.Weights[(((o * c.Inputs) + i) * c.Kernel) + k] * history[index][i];
                }
            }

            y[o] = Math.Tanh(s);
        }

        return y;
    }

    private static double[] Gru(LayerParameters g, double[] x, double[] h)
    {
        int n = g.Hidden;
        double[] gi = Linear(g.InputWeights, g.InputBias, x, v => v);
        double[] gh = Linear(g.RecurrentWeights, g.RecurrentBias, h, v => v);
        var next = new double[n];
        for (int i = 0; i < n; i++)
        {
            double r = Sigmoid(gi[i] + gh[i]);
            double z = Sigmoid(gi[n + i] + gh[n + i]);
            double c = Math.Tanh(gi[(2 * n) + i] + (r * gh[(2 * n) + i]));
            next[i] = ((1 - z) * c) + (z * h[i]);
        }

        return next;
    }

    public (double[] Gains, double[] Strengths) Step(float[] features)
    {
        double[] dense = Linear(p["input"].Weights, p["input"].Bias, [.. features.Select(f => (double)f)], Math.Tanh);
        _denseHistory.Add(dense);
        double[] c1 = Conv(p["conv1"], _denseHistory);
        _conv1History.Add(c1);
        double[] c2 = Conv(p["conv2"], _conv1History);
        _h1 = Gru(p["gru1"], c2, _h1);
        _h2 = Gru(p["gru2"], _h1, _h2);
        _h3 = Gru(p["gru3"], _h2, _h3);
        _hg = Gru(p["gain_gru"], _h3, _hg);
        double[] gains = Linear(p["gain_output"].Weights, p["gain_output"].Bias, [.. c2, .. _h1, .. _h2, .. _h3, .. _hg], Sigmoid);
        _hs = Gru(p["strength_gru"], [.. c2, .. _h3], _hs);
        double[] strengths = Linear(p["strength_output"].Weights, p["strength_output"].Bias, _hs, Sigmoid);
        return (gains, strengths);
    }
}
