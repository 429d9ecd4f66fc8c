namespace PercepNet.Network;

/// <summary>
/// One stream's run of the network of DESIGN §7 (see <see cref="ModelShape"/>): features in, 34 gains and 34 comb
/// strengths out, one frame at a time. The weights are shared (<see cref="CompiledModel"/>); the state is this
/// object's. Nothing is allocated per frame.
/// </summary>
internal sealed class PercepNetNetwork : IGainEstimator
{
    private readonly CompiledModel _model;
    private readonly Func<SilenceState>? _silence;
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
    /// <param name="silence">The model's state in silence, asked for on the first <see cref="SkippedSilence"/>; null to hold the state instead.</param>
    public PercepNetNetwork(CompiledModel model, KernelPath? path = null, Func<SilenceState>? silence = null)
        : this(model, MatrixKernels.For(path ?? KernelPaths.Default), silence)
    {
    }

    /// <summary>A network running the given kernels (tests pick implementations no path names).</summary>
    internal PercepNetNetwork(CompiledModel model, MatrixKernels kernels, Func<SilenceState>? silence = null)
    {
        _model = model;
        _silence = silence;
        Path = kernels.Path;
        ModelShape s = model.Shape;
        const int B = BlockFrames;
        var layers = new Dictionary<string, object>();
        var inOrder = new List<object>();
        foreach (LayerSpec spec in s.Layers)
        {
            inOrder.Add(layers[spec.Name] = spec.Kind switch
            {
                LayerKind.Gru => new GruLayer(model.Gru(spec.Name), kernels, B),
                LayerKind.Convolution => new ConvLayer(model.Dense(spec.Name), spec.Inputs, kernels, B),
                _ => new DenseLayer(model.Dense(spec.Name), kernels, B),
            });
        }

        var recurrent = new List<GruLayer>();
        var convolutions = new List<ConvLayer>();
        foreach (object layer in inOrder)
        {
            if (layer is GruLayer gru)
            {
                recurrent.Add(gru);
            }
            else if (layer is ConvLayer conv)
            {
                convolutions.Add(conv);
            }
        }

        _recurrent = [.. recurrent];
        _convolutions = [.. convolutions];

        // The forward wiring (EstimateBlock, Concatenate) names its layers.
        _input = (DenseLayer)layers["input"];
        _conv1 = (ConvLayer)layers["conv1"];
        _conv2 = (ConvLayer)layers["conv2"];
        _gru1 = (GruLayer)layers["gru1"];
        _gru2 = (GruLayer)layers["gru2"];
        _gru3 = (GruLayer)layers["gru3"];
        _gainGru = (GruLayer)layers["gain_gru"];
        _gainOutput = (DenseLayer)layers["gain_output"];
        _strengthGru = (GruLayer)layers["strength_gru"];
        _strengthOutput = (DenseLayer)layers["strength_output"];
        _gainInput = new float[B * s.GainDenseInputs];
        _strengthInput = new float[B * s.StrengthGruInputs];
        _scratch = new byte[B * model.ScratchBytes];
    }

    private readonly GruLayer[] _recurrent; // in table order: the order of the recurrent state
    private readonly ConvLayer[] _convolutions;

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
        if (_silence?.Invoke() is not SilenceState silence)
        {
            return;
        }

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
        foreach (ConvLayer layer in _convolutions)
        {
            layer.Reset();
        }

        foreach (GruLayer layer in _recurrent)
        {
            layer.Reset();
        }
    }
}
