namespace PercepNet.Network;

/// <summary>
/// A tensor's values as a model holds them: floats, or, for the weight matrices of an int8 model file, the int8
/// codes round(256·w) themselves, which the int8 matrices take as they are.
/// </summary>
internal readonly struct TensorValues
{
    private TensorValues(float[]? floats, sbyte[]? codes)
    {
        Floats = floats;
        Codes = codes;
    }

    /// <summary>The values, when held as floats.</summary>
    public float[]? Floats { get; }

    /// <summary>The int8 codes, when held as int8.</summary>
    public sbyte[]? Codes { get; }

    public int Length => Floats?.Length ?? Codes!.Length;

    public static TensorValues Of(float[] floats) => new(floats, null);

    public static TensorValues OfCodes(sbyte[] codes) => new(null, codes);

    /// <summary>The values as floats: as held, or int8 codes divided by 256.</summary>
    public float[] AsFloats()
    {
        if (Floats is not null)
        {
            return Floats;
        }

        var result = new float[Codes!.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Codes[i] / Int8WeightMatrix.WeightScale;
        }

        return result;
    }

    /// <summary>The values as int8 codes: as held, or floats quantised.</summary>
    public sbyte[] AsCodes()
    {
        if (Codes is not null)
        {
            return Codes;
        }

        var result = new sbyte[Floats!.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Int8WeightMatrix.Quantise(Floats[i]);
        }

        return result;
    }
}
