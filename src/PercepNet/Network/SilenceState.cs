using PercepNet.Analysis;
using PercepNet.Features;
using PercepNet.Frames;

namespace PercepNet.Network;

/// <summary>
/// Where a model's recurrent state goes in digital silence, for streams that stop computing in silence
/// (<see cref="Synthesis.EnhancementChain"/>). Once the analysis has settled, silence gives the network the same
/// features every frame, whatever came before (the pitch tracker forgets the last pitch in digital silence), and
/// the GRU state drifts towards <see cref="State"/>, the state after <see cref="Hops"/> such frames, approximately
/// exponentially with the time constant <see cref="TimeConstantHops"/> (measured on the way there from a zero
/// state). A stream that skipped K silent frames moves its held state h to State + e^(−K/τ)·(h − State).
/// </summary>
internal sealed class SilenceState
{
    /// <summary>Frames of silence run to find the state (60 s; after that the state moves by less than the tests can see).</summary>
    public const int Hops = 6_000;

    private SilenceState(float[] state, double timeConstantHops)
    {
        State = state;
        TimeConstantHops = timeConstantHops;
    }

    /// <summary>Every GRU layer's hidden state after <see cref="Hops"/> silent frames, in the order of <see cref="PercepNetNetwork.CopyRecurrentState"/>.</summary>
    public float[] State { get; }

    /// <summary>Frames for the distance to <see cref="State"/> to fall by e.</summary>
    public double TimeConstantHops { get; }

    /// <summary>Runs a fresh network on the features of settled digital silence (about 0.2 s of CPU for the medium model).</summary>
    public static SilenceState Compute(CompiledModel model)
    {
        var analyzer = new FrameAnalyzer();
        var silence = new float[FrameLayout.HopSize];
        var features = new float[FeatureExtractor.Count];
        for (int h = 0; h < Synthesis.EnhancementChain.SettleHops; h++)
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
