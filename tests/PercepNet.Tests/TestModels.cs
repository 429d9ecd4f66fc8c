using PercepNet.Network;

namespace PercepNet.Tests;

/// <summary>Models with known behaviour, for tests of the chain around the network.</summary>
internal static class TestModels
{
    /// <summary>Gains 1 and strengths 0 whatever the input: with the postfilter off the chain is a pure delay.</summary>
    public static ModelParameters PassThroughParameters()
    {
        var p = new ModelParameters(ModelShape.Small);
        Array.Fill(p["gain_output"].Bias, 30f);
        Array.Fill(p["strength_output"].Bias, -30f);
        return p;
    }

    public static CompiledModel PassThrough() => new(PassThroughParameters(), WeightPrecision.Int8);
}
