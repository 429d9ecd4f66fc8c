using System.Runtime.CompilerServices;
using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Features;
using PercepNet.Network;

namespace PercepNet.Pipeline;

/// <summary>
/// Finds a model's <see cref="SilenceState"/> by running a fresh network on the features of settled digital silence
/// (what the chain's analysis gives after <see cref="EnhancementChain.SettleHops"/> silent hops), once per model.
/// </summary>
internal static class SilenceSettling
{
    /// <summary>Frames of silence run to find the state (60 s; after that the state moves by less than the tests can see).</summary>
    public const int Hops = 6_000;

    private static readonly ConditionalWeakTable<CompiledModel, SilenceState> Computed = [];

    /// <summary>The silence state of <paramref name="model"/>, computed on first use (about 0.2 s for the medium model) and kept with it.</summary>
    public static SilenceState Of(CompiledModel model) => Computed.GetValue(model, Compute);

    private static SilenceState Compute(CompiledModel model)
    {
        var analyzer = new FrameAnalyzer();
        var silence = new float[FrameLayout.HopSize];
        var features = new float[FeatureExtractor.Count];
        for (int h = 0; h < EnhancementChain.SettleHops; h++)
        {
            analyzer.Push(silence);
        }

        FeatureExtractor.Extract(analyzer, features);
        var network = new PercepNetNetwork(model);
        var gains = new float[ErbBands.Count];
        var strengths = new float[ErbBands.Count];

        // The way there, kept every Stride frames (the time constant to that resolution).
        const int Stride = 10;
        int length = network.RecurrentStateLength;
        var trajectory = new float[(Hops / Stride) + 1][];
        trajectory[0] = new float[length];
        for (int h = 1; h <= Hops; h++)
        {
            network.Estimate(features, gains, strengths);
            if (h % Stride == 0)
            {
                trajectory[h / Stride] = new float[length];
                network.CopyRecurrentState(trajectory[h / Stride]);
            }
        }

        float[] final = trajectory[^1];
        double Distance(float[] x)
        {
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
            {
                sum += (x[i] - (double)final[i]) * (x[i] - final[i]);
            }

            return Math.Sqrt(sum);
        }

        double start = Distance(trajectory[0]);
        int k = 1;
        while (k < trajectory.Length - 1 && Distance(trajectory[k]) > start / Math.E)
        {
            k++;
        }

        return new SilenceState(final, k * Stride);
    }
}
