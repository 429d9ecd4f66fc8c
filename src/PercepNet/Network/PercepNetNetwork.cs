namespace PercepNet.Network;

/// <summary>
/// One stream's run of the network of DESIGN §7 (see <see cref="ModelShape"/>): features in, 34 gains and 34 comb
/// strengths out, one frame at a time. The weights are shared (<see cref="CompiledModel"/>); the state is this
/// object's. Nothing is allocated per frame.
/// </summary>
internal sealed class PercepNetNetwork : IGainEstimator
{
    private readonly CompiledModel _model;
    private readonly DenseLayer _input;
    private readonly ConvLayer _conv1;
    private readonly ConvLayer _conv2;
    private readonly GruLayer _gru1;
    private readonly GruLayer _gru2;
    private readonly GruLayer _gru3;
    private readonly GruLayer _gainGru;
    private readonly DenseLayer _gainOutput;
    private readonly GruLayer _strengthGru;
    private readonly DenseLayer _strengthOutput;
    private readonly float[] _gainInput;
    private readonly float[] _strengthInput;
    private readonly byte[] _scratch;

    /// <param name="model">The shared weights.</param>
    /// <param name="path">The kernels to run, chosen here once for the network's life; null for the fastest this CPU has.</param>
    public PercepNetNetwork(CompiledModel model, KernelPath? path = null)
        : this(model, MatrixKernels.For(path ?? KernelPaths.Best))
    {
    }

    /// <summary>A network running the given kernels (tests pick implementations no path names).</summary>
    internal PercepNetNetwork(CompiledModel model, MatrixKernels kernels)
    {
        _model = model;
        Path = kernels.Path;
        ModelShape s = model.Shape;
        _input = new DenseLayer(model.Input, kernels);
        _conv1 = new ConvLayer(model.Conv1, s.DenseWidth, kernels);
        _conv2 = new ConvLayer(model.Conv2, s.Conv1Width, kernels);
        _gru1 = new GruLayer(model.Gru1, kernels);
        _gru2 = new GruLayer(model.Gru2, kernels);
        _gru3 = new GruLayer(model.Gru3, kernels);
        _gainGru = new GruLayer(model.GainGru, kernels);
        _gainOutput = new DenseLayer(model.GainOutput, kernels);
        _strengthGru = new GruLayer(model.StrengthGru, kernels);
        _strengthOutput = new DenseLayer(model.StrengthOutput, kernels);
        _gainInput = new float[s.GainDenseInputs];
        _strengthInput = new float[s.StrengthGruInputs];
        _scratch = new byte[model.ScratchBytes];
        _recurrent = [_gru1, _gru2, _gru3, _gainGru, _strengthGru];
    }

    private readonly GruLayer[] _recurrent;

    public KernelPath Path { get; }

    public ModelShape Shape => _model.Shape;

    public void Estimate(ReadOnlySpan<float> features, Span<float> gains, Span<float> strengths)
    {
        Span<byte> scratch = _scratch;
        _input.Step(features, scratch);
        _conv1.Step(_input.Output, scratch);
        _conv2.Step(_conv1.Output, scratch);
        float[] conv = _conv2.Output;
        _gru1.Step(conv, scratch);
        _gru2.Step(_gru1.State, scratch);
        _gru3.Step(_gru2.State, scratch);
        _gainGru.Step(_gru3.State, scratch);

        // Gain branch input: concat(conv2, GRU1, GRU2, GRU3, gain GRU).
        Span<float> g = _gainInput;
        conv.CopyTo(g);
        g = g[conv.Length..];
        _gru1.State.CopyTo(g);
        g = g[_gru1.State.Length..];
        _gru2.State.CopyTo(g);
        g = g[_gru2.State.Length..];
        _gru3.State.CopyTo(g);
        g = g[_gru3.State.Length..];
        _gainGru.State.CopyTo(g);
        _gainOutput.Step(_gainInput, scratch);
        conv.CopyTo(_strengthInput, 0);
        _gru3.State.CopyTo(_strengthInput, conv.Length);
        _strengthGru.Step(_strengthInput, scratch);
        _strengthOutput.Step(_strengthGru.State, scratch);
        _gainOutput.Output.CopyTo(gains);
        _strengthOutput.Output.CopyTo(strengths);
    }

    /// <summary>Total length of the recurrent state (all GRU layers).</summary>
    internal int RecurrentStateLength => _recurrent.Sum(layer => layer.State.Length);

    /// <summary>Copies every GRU layer's hidden state into <paramref name="state"/>.</summary>
    internal void CopyRecurrentState(Span<float> state)
    {
        foreach (GruLayer layer in _recurrent)
        {
            layer.State.CopyTo(state);
            state = state[layer.State.Length..];
        }
    }

    /// <summary>Moves the held recurrent state along the model's way into silence (see <see cref="SilenceState"/>).</summary>
    public void SkippedSilence(long hops)
    {
        SilenceState silence = _model.Silence;
        float keep = (float)Math.Exp(-hops / silence.TimeConstantHops);
        ReadOnlySpan<float> target = silence.State;
        foreach (GruLayer layer in _recurrent)
        {
            float[] state = layer.State;
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = target[i] + (keep * (state[i] - target[i]));
            }

            target = target[state.Length..];
        }
    }

    public void Reset()
    {
        _conv1.Reset();
        _conv2.Reset();
        _gru1.Reset();
        _gru2.Reset();
        _gru3.Reset();
        _gainGru.Reset();
        _strengthGru.Reset();
    }
}
