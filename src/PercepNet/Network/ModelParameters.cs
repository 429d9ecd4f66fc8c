namespace PercepNet.Network;

/// <summary>A dense layer's parameters: weights [outputs × inputs] row-major, bias [outputs].</summary>
internal sealed class DenseParameters(int inputs, int outputs)
{
    public int Inputs { get; } = inputs;
    public int Outputs { get; } = outputs;
    public float[] Weights { get; } = new float[inputs * outputs];
    public float[] Bias { get; } = new float[outputs];
}

/// <summary>A 1-D convolution over time, PyTorch layout: weights [outputs × inputs × kernel], bias [outputs].</summary>
internal sealed class ConvParameters(int inputs, int outputs, int kernel)
{
    public int Inputs { get; } = inputs;
    public int Outputs { get; } = outputs;
    public int Kernel { get; } = kernel;
    public float[] Weights { get; } = new float[outputs * inputs * kernel];
    public float[] Bias { get; } = new float[outputs];
}

/// <summary>
/// A GRU layer, PyTorch layout and gate order (r, z, n): input weights [3H × inputs], recurrent weights [3H × H],
/// input bias [3H] and recurrent bias [3H].
/// </summary>
internal sealed class GruParameters(int inputs, int hidden)
{
    public int Inputs { get; } = inputs;
    public int Hidden { get; } = hidden;
    public float[] InputWeights { get; } = new float[3 * hidden * inputs];
    public float[] RecurrentWeights { get; } = new float[3 * hidden * hidden];
    public float[] InputBias { get; } = new float[3 * hidden];
    public float[] RecurrentBias { get; } = new float[3 * hidden];
}

/// <summary>All parameters of a model of a given <see cref="ModelShape"/>, in float.</summary>
internal sealed class ModelParameters
{
    public ModelParameters(ModelShape shape)
    {
        shape.Validate();
        Shape = shape;
        Input = new DenseParameters(ModelShape.Inputs, shape.DenseWidth);
        Conv1 = new ConvParameters(shape.DenseWidth, shape.Conv1Width, ModelShape.Conv1Kernel);
        Conv2 = new ConvParameters(shape.Conv1Width, shape.Conv2Width, ModelShape.Conv2Kernel);
        Gru1 = new GruParameters(shape.Conv2Width, shape.GruWidth);
        Gru2 = new GruParameters(shape.GruWidth, shape.GruWidth);
        Gru3 = new GruParameters(shape.GruWidth, shape.GruWidth);
        GainGru = new GruParameters(shape.GruWidth, shape.GainGruWidth);
        GainOutput = new DenseParameters(shape.GainDenseInputs, ModelShape.Outputs);
        StrengthGru = new GruParameters(shape.StrengthGruInputs, shape.StrengthGruWidth);
        StrengthOutput = new DenseParameters(shape.StrengthGruWidth, ModelShape.Outputs);
    }

    public ModelShape Shape { get; }
    public DenseParameters Input { get; }
    public ConvParameters Conv1 { get; }
    public ConvParameters Conv2 { get; }
    public GruParameters Gru1 { get; }
    public GruParameters Gru2 { get; }
    public GruParameters Gru3 { get; }
    public GruParameters GainGru { get; }
    public DenseParameters GainOutput { get; }
    public GruParameters StrengthGru { get; }
    public DenseParameters StrengthOutput { get; }

    /// <summary>Every tensor in file order, with a name (the exporter of the training stack writes the same order).</summary>
    public IEnumerable<(string Name, float[] Values, bool IsWeight)> Tensors()
    {
        yield return ("input.weight", Input.Weights, true);
        yield return ("input.bias", Input.Bias, false);
        yield return ("conv1.weight", Conv1.Weights, true);
        yield return ("conv1.bias", Conv1.Bias, false);
        yield return ("conv2.weight", Conv2.Weights, true);
        yield return ("conv2.bias", Conv2.Bias, false);
        foreach ((string name, GruParameters gru) in new[] { ("gru1", Gru1), ("gru2", Gru2), ("gru3", Gru3), ("gain_gru", GainGru) })
        {
            foreach (var t in GruTensors(name, gru))
            {
                yield return t;
            }
        }

        yield return ("gain_output.weight", GainOutput.Weights, true);
        yield return ("gain_output.bias", GainOutput.Bias, false);
        foreach (var t in GruTensors("strength_gru", StrengthGru))
        {
            yield return t;
        }

        yield return ("strength_output.weight", StrengthOutput.Weights, true);
        yield return ("strength_output.bias", StrengthOutput.Bias, false);
    }

    private static IEnumerable<(string, float[], bool)> GruTensors(string name, GruParameters gru)
    {
        yield return ($"{name}.weight_ih", gru.InputWeights, true);
        yield return ($"{name}.weight_hh", gru.RecurrentWeights, true);
        yield return ($"{name}.bias_ih", gru.InputBias, false);
        yield return ($"{name}.bias_hh", gru.RecurrentBias, false);
    }
}
