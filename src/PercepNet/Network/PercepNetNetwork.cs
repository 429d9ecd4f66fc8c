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
        : this(model, MatrixKernels.For(path ?? KernelPaths.Default))
    {
    }

    /// <summary>A network running the given kernels (tests pick implementations no path names).</summary>
    internal PercepNetNetwork(CompiledModel model, MatrixKernels kernels)
    {
        _model = model;
        Path = kernels.Path;
        ModelShape s = model.Shape;
        const int B = BlockFrames;
        _input = new DenseLayer(model.Input, kernels, B);
        _conv1 = new ConvLayer(model.Conv1, s.DenseWidth, kernels, B);
        _conv2 = new ConvLayer(model.Conv2, s.Conv1Width, kernels, B);
        _gru1 = new GruLayer(model.Gru1, kernels, B);
        _gru2 = new GruLayer(model.Gru2, kernels, B);
        _gru3 = new GruLayer(model.Gru3, kernels, B);
        _gainGru = new GruLayer(model.GainGru, kernels, B);
        _gainOutput = new DenseLayer(model.GainOutput, kernels, B);
        _strengthGru = new GruLayer(model.StrengthGru, kernels, B);
        _strengthOutput = new DenseLayer(model.StrengthOutput, kernels, B);
        _gainInput = new float[B * s.GainDenseInputs];
        _strengthInput = new float[B * s.StrengthGruInputs];
        _scratch = new byte[B * model.ScratchBytes];
        _recurrent = [_gru1, _gru2, _gru3, _gainGru, _strengthGru];
    }

    private readonly GruLayer[] _recurrent;

    /// <summary>
    /// Most frames <see cref="EstimateBlock"/> runs through each layer at once: each weight is then read from memory
    /// once per this many frames (longer blocks are taken in parts). ~100 KB of buffers per stream at the medium size.
    /// </summary>
    public const int BlockFrames = 8;

    public KernelPath Path { get; }

    public ModelShape Shape => _model.Shape;

    /// <summary>One frame: <see cref="EstimateBlock"/> of one.</summary>
    public void Estimate(ReadOnlySpan<float> features, Span<float> gains, Span<float> strengths) =>
        EstimateBlock(features[..ModelShape.Inputs], gains[..ModelShape.Outputs], strengths[..ModelShape.Outputs]);

    /// <summary>
    /// Consecutive frames (frame k's features at k·70, its gains and strengths at k·34), layer by layer over up to
    /// <see cref="BlockFrames"/> frames at a time: bit for bit the results and the state of estimating them one by one,
    /// at a fraction of the memory traffic.
    /// </summary>
    public void EstimateBlock(ReadOnlySpan<float> features, Span<float> gains, Span<float> strengths)
    {
        const int In = ModelShape.Inputs, Out = ModelShape.Outputs;
        ModelShape s = Shape;
        Span<byte> scratch = _scratch;
        int frames = features.Length / In;
        for (int start = 0; start < frames; start += BlockFrames)
        {
            int n = Math.Min(BlockFrames, frames - start);
            _input.Step(features.Slice(start * In, n * In), In, n, scratch);
            _conv1.Step(_input.Block, n, scratch);
            _conv2.Step(_conv1.Block, n, scratch);
            _gru1.Step(_conv2.Block, s.Conv2Width, n, scratch);
            _gru2.Step(_gru1.Block, s.GruWidth, n, scratch);
            _gru3.Step(_gru2.Block, s.GruWidth, n, scratch);
            _gainGru.Step(_gru3.Block, s.GruWidth, n, scratch);
            for (int k = 0; k < n; k++)
            {
                Concatenate(k);
            }

            _gainOutput.Step(_gainInput, s.GainDenseInputs, n, scratch);
            _strengthGru.Step(_strengthInput, s.StrengthGruInputs, n, scratch);
            _strengthOutput.Step(_strengthGru.Block, s.StrengthGruWidth, n, scratch);
            _gainOutput.Block.AsSpan(0, n * Out).CopyTo(gains.Slice(start * Out));
            _strengthOutput.Block.AsSpan(0, n * Out).CopyTo(strengths.Slice(start * Out));
        }
    }

    /// <summary>
    /// Frame <paramref name="k"/>'s inputs of the two branches: concat(conv2, GRU1, GRU2, GRU3, gain GRU) for the gain
    /// layer, concat(conv2, GRU3) for the strength GRU.
    /// </summary>
    private void Concatenate(int k)
    {
        ModelShape s = Shape;
        ReadOnlySpan<float> conv = _conv2.Block.AsSpan(k * s.Conv2Width, s.Conv2Width);
        ReadOnlySpan<float> gru3 = _gru3.Block.AsSpan(k * s.GruWidth, s.GruWidth);
        Span<float> g = _gainInput.AsSpan(k * s.GainDenseInputs, s.GainDenseInputs);
        conv.CopyTo(g);
        g = g[conv.Length..];
        foreach (GruLayer layer in (ReadOnlySpan<GruLayer>)[_gru1, _gru2, _gru3, _gainGru])
        {
            int width = layer.State.Length;
            layer.Block.AsSpan(k * width, width).CopyTo(g);
            g = g[width..];
        }

        Span<float> t = _strengthInput.AsSpan(k * s.StrengthGruInputs, s.StrengthGruInputs);
        conv.CopyTo(t);
        gru3.CopyTo(t[conv.Length..]);
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
