namespace PercepNet;

/// <summary>How a model's weights are stored and multiplied.</summary>
public enum Quantisation : byte
{
    /// <summary>32-bit float weights, multiplied in float.</summary>
    Float32 = 0,

    /// <summary>
    /// 8-bit weights: w stored as round(256·w) clamped to ±127 (weights are trained within ±½). Activations in
    /// [−1, 1] are quantised on the fly to u = 64 + round(63·x) in 1..127, which keeps AVX2's vpmaddubsw from
    /// saturating. The first layer, whose inputs (the features) are unbounded, stays in float. The network's outputs
    /// differ from a float model's by at most 2 % relative RMS (0.7–0.8 % measured).
    /// </summary>
    Int8 = 1,
}

/// <summary>The network's name for each quantisation scheme, and back.</summary>
internal static class QuantisationPrecision
{
    public static Network.WeightPrecision ToPrecision(this Quantisation quantisation) => quantisation switch
    {
        Quantisation.Float32 => Network.WeightPrecision.Float32,
        Quantisation.Int8 => Network.WeightPrecision.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(quantisation), quantisation, "No such quantisation scheme."),
    };

    public static Quantisation ToQuantisation(this Network.WeightPrecision precision) =>
        precision == Network.WeightPrecision.Int8 ? Quantisation.Int8 : Quantisation.Float32;
}
