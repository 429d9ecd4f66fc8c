namespace PercepNet.Network;

/// <summary>
/// A model's weights laid out for inference (float or int8 matrices), immutable and shared by every stream.
/// The first dense layer stays in float whatever the quantisation: its inputs (the features) are not bounded.
/// </summary>
internal sealed class CompiledModel
{
    public CompiledModel(StoredModel model)
        : this(model.Parameters, model.Quantisation)
    {
    }

    public CompiledModel(ModelParameters p, Quantisation quantisation)
    {
        Shape = p.Shape;
        Quantisation = quantisation;
        Input = DenseWeights.From(p.Input, Activation.Tanh, Quantisation.Float32);
        Conv1 = DenseWeights.FromConvolution(p.Conv1, Activation.Tanh, quantisation);
        Conv2 = DenseWeights.FromConvolution(p.Conv2, Activation.Tanh, quantisation);
        Gru1 = GruWeights.From(p.Gru1, quantisation);
        Gru2 = GruWeights.From(p.Gru2, quantisation);
        Gru3 = GruWeights.From(p.Gru3, quantisation);
        GainGru = GruWeights.From(p.GainGru, quantisation);
        GainOutput = DenseWeights.From(p.GainOutput, Activation.Sigmoid, quantisation);
        StrengthGru = GruWeights.From(p.StrengthGru, quantisation);
        StrengthOutput = DenseWeights.From(p.StrengthOutput, Activation.Sigmoid, quantisation);
        WeightMatrix[] all =
        [
            Input.Matrix, Conv1.Matrix, Conv2.Matrix, Gru1.Input, Gru1.Recurrent, Gru2.Input, Gru2.Recurrent, Gru3.Input,
            Gru3.Recurrent, GainGru.Input, GainGru.Recurrent, GainOutput.Matrix, StrengthGru.Input, StrengthGru.Recurrent,
            StrengthOutput.Matrix,
        ];
        ScratchBytes = all.Max(m => m.ScratchBytes);
        _silence = new Lazy<SilenceState>(() => SilenceState.Compute(this));
    }

    private readonly Lazy<SilenceState> _silence;

    /// <summary>Where the recurrent state drifts in digital silence; computed on first use and shared.</summary>
    public SilenceState Silence => _silence.Value;

    public ModelShape Shape { get; }
    public Quantisation Quantisation { get; }
    public DenseWeights Input { get; }
    public DenseWeights Conv1 { get; }
    public DenseWeights Conv2 { get; }
    public GruWeights Gru1 { get; }
    public GruWeights Gru2 { get; }
    public GruWeights Gru3 { get; }
    public GruWeights GainGru { get; }
    public DenseWeights GainOutput { get; }
    public GruWeights StrengthGru { get; }
    public DenseWeights StrengthOutput { get; }

    /// <summary>Largest scratch any matrix needs (bytes per stream).</summary>
    public int ScratchBytes { get; }
}
