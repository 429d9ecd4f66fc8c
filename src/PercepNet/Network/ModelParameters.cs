namespace PercepNet.Network;

/// <summary>
/// One layer's parameters in float, in PyTorch's layouts (see <see cref="LayerKind"/>): the tensors of its
/// <see cref="LayerSpec"/>, named by role.
/// </summary>
internal sealed class LayerParameters
{
    private readonly float[][] _tensors;

    public LayerParameters(LayerSpec spec)
    {
        Spec = spec;
        IReadOnlyList<TensorSpec> tensors = spec.Tensors;
        _tensors = new float[tensors.Count][];
        for (int t = 0; t < tensors.Count; t++)
        {
            _tensors[t] = new float[tensors[t].Length];
        }
    }

    public LayerSpec Spec { get; }

    /// <summary>Input width (per frame).</summary>
    public int Inputs => Spec.Inputs;

    /// <summary>Output width.</summary>
    public int Outputs => Spec.Outputs;

    /// <summary>A convolution's kernel length (1 otherwise).</summary>
    public int Kernel => Spec.Kernel;

    /// <summary>A GRU's hidden size.</summary>
    public int Hidden => Spec.Outputs;

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<float[]> Tensors => _tensors;

    /// <summary>A dense or convolution layer's weights.</summary>
    public float[] Weights => Spec.Kind == LayerKind.Gru ? throw new InvalidOperationException($"{Spec.Name} is a GRU") : _tensors[0];

    /// <summary>A dense or convolution layer's bias.</summary>
    public float[] Bias => Spec.Kind == LayerKind.Gru ? throw new InvalidOperationException($"{Spec.Name} is a GRU") : _tensors[1];

    /// <summary>A GRU's input weights [3H × in].</summary>
    public float[] InputWeights => Gru(0);

    /// <summary>A GRU's recurrent weights [3H × H].</summary>
    public float[] RecurrentWeights => Gru(1);

    /// <summary>A GRU's input bias [3H].</summary>
    public float[] InputBias => Gru(2);

    /// <summary>A GRU's recurrent bias [3H].</summary>
    public float[] RecurrentBias => Gru(3);

    private float[] Gru(int index) => Spec.Kind == LayerKind.Gru ? _tensors[index] : throw new InvalidOperationException($"{Spec.Name} is not a GRU");
}

/// <summary>All parameters of a model of a given <see cref="ModelShape"/>, in float, one entry per row of its layer table.</summary>
internal sealed class ModelParameters
{
    private readonly LayerParameters[] _layers;

    public ModelParameters(ModelShape shape)
    {
        shape.Validate();
        Shape = shape;
        IReadOnlyList<LayerSpec> table = shape.Layers;
        _layers = new LayerParameters[table.Count];
        for (int l = 0; l < table.Count; l++)
        {
            _layers[l] = new LayerParameters(table[l]);
        }
    }

    public ModelShape Shape { get; }

    /// <summary>The layers in table order.</summary>
    public IReadOnlyList<LayerParameters> Layers => _layers;

    /// <summary>The layer named <paramref name="name"/> (<c>input</c>, <c>gru1</c>, … as in <see cref="ModelShape.Layers"/>).</summary>
    public LayerParameters this[string name]
    {
        get
        {
            foreach (LayerParameters layer in _layers)
            {
                if (layer.Spec.Name == name)
                {
                    return layer;
                }
            }

            throw new ArgumentException($"The network has no layer '{name}'.", nameof(name));
        }
    }

    /// <summary>Every tensor in file order, with its name (the training framework exports the same order).</summary>
    public IEnumerable<(TensorSpec Spec, float[] Values)> Tensors()
    {
        foreach (LayerParameters layer in _layers)
        {
            IReadOnlyList<TensorSpec> specs = layer.Spec.Tensors;
            for (int t = 0; t < specs.Count; t++)
            {
                yield return (specs[t], layer.Tensors[t]);
            }
        }
    }

    /// <summary>Every tensor's values in file order, as the compiled model and the model file take them.</summary>
    public TensorValues[] Values()
    {
        var values = new List<TensorValues>();
        foreach (LayerParameters layer in _layers)
        {
            foreach (float[] tensor in layer.Tensors)
            {
                values.Add(TensorValues.Of(tensor));
            }
        }

        return [.. values];
    }
}
