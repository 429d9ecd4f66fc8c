namespace PercepNet.Network;

/// <summary>
/// A model's weights laid out for inference (float or int8 matrices), one entry per row of its layer table, immutable
/// and shared by every stream. Layers marked <see cref="LayerSpec.AlwaysFloat"/> (the first dense layer, whose inputs
/// are the unbounded features) stay in float whatever the precision.
/// </summary>
internal sealed class CompiledModel
{
    private readonly object[] _layers; // DenseWeights or GruWeights, in table order

    /// <summary>Compiles float parameters (quantising them for <see cref="WeightPrecision.Int8"/>).</summary>
    public CompiledModel(ModelParameters p, WeightPrecision precision)
        : this(p.Shape, p.Values(), precision)
    {
    }

    /// <summary>Compiles tensors as a model file holds them (int8 codes are taken as they are), in table order.</summary>
    public CompiledModel(ModelShape shape, IReadOnlyList<TensorValues> tensors, WeightPrecision precision)
    {
        Shape = shape;
        Precision = precision;
        IReadOnlyList<LayerSpec> table = shape.Layers;
        _layers = new object[table.Count];
        int t = 0;
        for (int l = 0; l < table.Count; l++)
        {
            LayerSpec spec = table[l];
            WeightPrecision layerPrecision = spec.AlwaysFloat ? WeightPrecision.Float32 : precision;
            _layers[l] = spec.Kind == LayerKind.Gru
                ? GruWeights.From(spec, tensors[t], tensors[t + 1], tensors[t + 2].AsFloats(), tensors[t + 3].AsFloats(), layerPrecision)
                : DenseWeights.From(spec, tensors[t], tensors[t + 1].AsFloats(), layerPrecision);
            t += spec.Tensors.Count;
        }

        int scratch = 0;
        foreach (object layer in _layers)
        {
            scratch = layer is GruWeights gru
                ? Math.Max(scratch, Math.Max(gru.Input.ScratchBytes, gru.Recurrent.ScratchBytes))
                : Math.Max(scratch, ((DenseWeights)layer).Matrix.ScratchBytes);
        }

        ScratchBytes = scratch;
    }

    public ModelShape Shape { get; }

    public WeightPrecision Precision { get; }

    /// <summary>Largest scratch any matrix needs (bytes per stream).</summary>
    public int ScratchBytes { get; }

    /// <summary>The dense or convolution layer named <paramref name="name"/> in the layer table.</summary>
    public DenseWeights Dense(string name) => (DenseWeights)_layers[IndexOf(name)];

    /// <summary>The GRU layer named <paramref name="name"/> in the layer table.</summary>
    public GruWeights Gru(string name) => (GruWeights)_layers[IndexOf(name)];

    private int IndexOf(string name)
    {
        IReadOnlyList<LayerSpec> table = Shape.Layers;
        for (int l = 0; l < table.Count; l++)
        {
            if (table[l].Name == name)
            {
                return l;
            }
        }

        throw new ArgumentException($"The network has no layer '{name}'.", nameof(name));
    }
}
