namespace PercepNet.Network;

/// <summary>
/// What the network does in the chain (DESIGN §7): from one frame's 70 features, 34 band gains and 34 comb
/// strengths in [0, 1]. Implementations keep their own recurrent state, one instance per stream.
/// </summary>
internal interface IGainEstimator
{
    void Estimate(ReadOnlySpan<float> features, Span<float> gains, Span<float> strengths);

    void Reset();

    /// <summary>
    /// <see cref="Estimate"/> for consecutive frames: frame k's 70 features at k·70, its gains and strengths at k·34;
    /// the same results as estimating them one by one (estimators that can share work across frames override it).
    /// </summary>
    void EstimateBlock(ReadOnlySpan<float> features, Span<float> gains, Span<float> strengths)
    {
        const int In = ModelShape.Inputs, Out = ModelShape.Outputs;
        for (int k = 0; k < features.Length / In; k++)
        {
            Estimate(features.Slice(k * In, In), gains.Slice(k * Out, Out), strengths.Slice(k * Out, Out));
        }
    }

    /// <summary>
    /// Told when <paramref name="hops"/> frames of settled silence were skipped (not given to <see cref="Estimate"/>):
    /// moves the recurrent state to where computing them would have taken it. Stateless estimators do nothing.
    /// </summary>
    void SkippedSilence(long hops)
    {
    }
}

/// <summary>Fixed gains and strengths: a stand-in for the network when measuring or testing the DSP around it.</summary>
internal sealed class ConstantGainEstimator(float gain, float strength) : IGainEstimator
{
    public void Estimate(ReadOnlySpan<float> features, Span<float> gains, Span<float> strengths)
    {
        gains.Fill(gain);
        strengths.Fill(strength);
    }

    public void Reset()
    {
    }
}
