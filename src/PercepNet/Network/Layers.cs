using System.Numerics;

namespace PercepNet.Network;

internal enum Activation : byte
{
    Linear,
    Tanh,
    Sigmoid,
}

internal static class ActivationFunctions
{
    public static void Apply(Activation activation, Span<float> values)
    {
        switch (activation)
        {
            case Activation.Tanh: Activations.Tanh(values); break;
            case Activation.Sigmoid: Activations.Sigmoid(values); break;
        }
    }
}

/// <summary>Shared, immutable weights of a dense layer: y = act(W·x + b).</summary>
internal sealed class DenseWeights(WeightMatrix matrix, float[] bias, Activation activation)
{
    public WeightMatrix Matrix { get; } = matrix;
    public float[] Bias { get; } = bias;
    public Activation Activation { get; } = activation;
    public int Inputs => Matrix.Columns;
    public int Outputs => Matrix.Rows;

    /// <summary>A dense layer, or a causal convolution over time as a dense layer on the concatenated last kernel inputs (oldest first).</summary>
    /// <param name="spec">The layer.</param>
    /// <param name="weights">Its weights as stored (PyTorch's [out][in][k] for a convolution, rearranged here to [out][k][in]).</param>
    /// <param name="bias">Its bias.</param>
    /// <param name="precision">How to hold the weights.</param>
    public static DenseWeights From(LayerSpec spec, TensorValues weights, float[] bias, WeightPrecision precision)
    {
        if (spec.Kind == LayerKind.Convolution)
        {
            weights = weights.Codes is { } codes
                ? TensorValues.OfCodes(KernelMajor(codes, spec.Outputs, spec.Inputs, spec.Kernel))
                : TensorValues.Of(KernelMajor(weights.Floats!, spec.Outputs, spec.Inputs, spec.Kernel));
        }

        return new(WeightMatrix.Create(weights, spec.Outputs, spec.Inputs * spec.Kernel, precision), (float[])bias.Clone(), spec.Activation);
    }

    /// <summary>[out][in][k] → [out][k][in].</summary>
    private static T[] KernelMajor<T>(T[] weights, int outputs, int inputs, int kernel)
    {
        var rearranged = new T[weights.Length];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                for (int k = 0; k < kernel; k++)
                {
                    rearranged[(o * kernel * inputs) + (k * inputs) + i] = weights[(((o * inputs) + i) * kernel) + k];
                }
            }
        }

        return rearranged;
    }
}

/// <summary>Shared, immutable weights of a GRU layer (PyTorch gate order r, z, n).</summary>
internal sealed class GruWeights(WeightMatrix input, WeightMatrix recurrent, float[] inputBias, float[] recurrentBias)
{
    public WeightMatrix Input { get; } = input;
    public WeightMatrix Recurrent { get; } = recurrent;
    public float[] InputBias { get; } = inputBias;
    public float[] RecurrentBias { get; } = recurrentBias;
    public int Inputs => Input.Columns;
    public int Hidden => Recurrent.Columns;

    public static GruWeights From(LayerSpec spec, TensorValues inputWeights, TensorValues recurrentWeights, float[] inputBias, float[] recurrentBias,
        WeightPrecision precision) =>
        new(WeightMatrix.Create(inputWeights, 3 * spec.Outputs, spec.Inputs, precision),
            WeightMatrix.Create(recurrentWeights, 3 * spec.Outputs, spec.Outputs, precision),
            (float[])inputBias.Clone(), (float[])recurrentBias.Clone());
}

/// <summary>
/// The element-wise steps of the layers on vectors, each computing exactly the scalar expression in its comment (the
/// same float operations in the same order, without fused multiply-adds), so every width gives the same bits.
/// </summary>
internal static class ElementWise
{
    /// <summary>y(i) += b(i).</summary>
    public static void Add(Span<float> y, ReadOnlySpan<float> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.Create<float>(y[i..]) + Vector.Create<float>(b[i..])).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] += b[i];
        }
    }

    /// <summary>y(i) += (a(i) + b(i)) + c(i).</summary>
    public static void AddSum(Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (Vector.Create<float>(y[i..]) + (Vector.Create<float>(a[i..]) + Vector.Create<float>(b[i..]) + Vector.Create<float>(c[i..]))).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] += a[i] + b[i] + c[i];
        }
    }

    /// <summary>y(i) += a(i) + g(i)·(b(i) + c(i)): the GRU's candidate, its reset gate g applied to the recurrent part.</summary>
    public static void AddGated(Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> g, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> gated = Vector.Create<float>(g[i..]) * (Vector.Create<float>(b[i..]) + Vector.Create<float>(c[i..]));
                (Vector.Create<float>(y[i..]) + (Vector.Create<float>(a[i..]) + gated)).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] += a[i] + (g[i] * (b[i] + c[i]));
        }
    }

    /// <summary>h(i) = (1 − z(i))·n(i) + z(i)·h(i): the GRU's new state from its candidate n and update gate z.</summary>
    public static void Interpolate(Span<float> h, ReadOnlySpan<float> n, ReadOnlySpan<float> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= h.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> zv = Vector.Create<float>(z[i..]);
                (((Vector<float>.One - zv) * Vector.Create<float>(n[i..])) + (zv * Vector.Create<float>(h[i..]))).CopyTo(h[i..]);
            }
        }

        for (; i < h.Length; i++)
        {
            float zi = z[i];
            h[i] = ((1f - zi) * n[i]) + (zi * h[i]);
        }
    }
}

/// <summary>A dense layer's per-stream output buffer, for up to a block of frames.</summary>
internal sealed class DenseLayer(DenseWeights weights, MatrixKernels kernels, int blockFrames)
{
    /// <summary>The outputs of the last <see cref="Step"/>, frame k at k·outputs.</summary>
    public float[] Block { get; } = new float[blockFrames * weights.Outputs];

    /// <summary>y = act(W·x + b) for <paramref name="count"/> frames, frame k's input at k·<paramref name="inputStride"/>.</summary>
    public void Step(ReadOnlySpan<float> input, int inputStride, int count, Span<byte> scratch)
    {
        int n = weights.Outputs;
        weights.Matrix.MultiplyBlock(input, inputStride, count, Block, scratch, kernels);
        for (int k = 0; k < count; k++)
        {
            Span<float> output = Block.AsSpan(k * n, n);
            ElementWise.Add(output, weights.Bias);
            ActivationFunctions.Apply(weights.Activation, output);
        }
    }
}

/// <summary>A streaming causal 1-D convolution over time: it keeps the last kernel − 1 inputs itself.</summary>
internal sealed class ConvLayer
{
    private readonly DenseLayer _dense;
    private readonly float[] _sequence; // the kept kernel − 1 inputs, then a block's: frame k's window starts at k·inputs
    private readonly int _inputs;
    private readonly int _kept;

    public ConvLayer(DenseWeights weights, int inputs, MatrixKernels kernels, int blockFrames)
    {
        if (weights.Inputs % inputs != 0)
        {
            throw new ArgumentException("Convolution weights do not match the input width.");
        }

        _inputs = inputs;
        _kept = weights.Inputs - inputs;
        _dense = new DenseLayer(weights, kernels, blockFrames);
        _sequence = new float[_kept + (blockFrames * inputs)];
    }

    /// <summary>The outputs of the last <see cref="Step"/>, frame k at k·outputs.</summary>
    public float[] Block => _dense.Block;

    /// <summary>The convolution for <paramref name="count"/> frames, frame k's input at k·inputs.</summary>
    public void Step(ReadOnlySpan<float> input, int count, Span<byte> scratch)
    {
        input[..(count * _inputs)].CopyTo(_sequence.AsSpan(_kept));
        _dense.Step(_sequence, _inputs, count, scratch);
        _sequence.AsSpan(count * _inputs, _kept).CopyTo(_sequence); // keep the last kernel − 1 inputs for the next call
    }

    public void Reset() => Array.Clear(_sequence);
}

/// <summary>A GRU layer with its hidden state: h' = (1 − z)⊙n + z⊙h (PyTorch's equations).</summary>
internal sealed class GruLayer(GruWeights weights, MatrixKernels kernels, int blockFrames)
{
    private readonly float[] _gatesInput = new float[blockFrames * 3 * weights.Hidden];
    private readonly float[] _gatesRecurrent = new float[3 * weights.Hidden];

    /// <summary>The hidden state after the last frame.</summary>
    public float[] State { get; } = new float[weights.Hidden];

    /// <summary>The states after each frame of the last <see cref="Step"/>, frame k at k·hidden.</summary>
    public float[] Block { get; } = new float[blockFrames * weights.Hidden];

    /// <summary>
    /// <paramref name="count"/> frames, frame k's input at k·<paramref name="inputStride"/>: the input products of the
    /// whole block at once, then the recurrence frame by frame.
    /// </summary>
    public void Step(ReadOnlySpan<float> input, int inputStride, int count, Span<byte> scratch)
    {
        int h = weights.Hidden;
        weights.Input.MultiplyBlock(input, inputStride, count, _gatesInput, scratch, kernels);
        for (int k = 0; k < count; k++)
        {
            Advance(_gatesInput.AsSpan(k * 3 * h, 3 * h), scratch);
            State.CopyTo(Block, k * h);
        }
    }

    /// <summary>One step of the recurrence, given the input's products with the gates' weights (overwritten).</summary>
    private void Advance(Span<float> gatesInput, Span<byte> scratch)
    {
        int h = weights.Hidden;
        weights.Recurrent.Multiply(State, _gatesRecurrent, scratch, kernels);
        Span<float> rz = gatesInput[..(2 * h)];
        ElementWise.AddSum(rz, weights.InputBias.AsSpan(0, 2 * h), _gatesRecurrent.AsSpan(0, 2 * h), weights.RecurrentBias.AsSpan(0, 2 * h));
        Activations.Sigmoid(rz);
        Span<float> n = gatesInput.Slice(2 * h, h);
        ElementWise.AddGated(n, weights.InputBias.AsSpan(2 * h), rz[..h], _gatesRecurrent.AsSpan(2 * h), weights.RecurrentBias.AsSpan(2 * h));
        Activations.Tanh(n);
        ElementWise.Interpolate(State, n, rz[h..]);
    }

    public void Reset() => Array.Clear(State);
}
