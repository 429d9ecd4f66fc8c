using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PercepNet.Network;

/// <summary>How a network's matrices hold their weights (a model file's quantisation).</summary>
internal enum WeightPrecision : byte
{
    /// <summary>32-bit floats.</summary>
    Float32,

    /// <summary>8-bit integers, round(256·w), multiplied with 8-bit activations.</summary>
    Int8,
}

/// <summary>
/// An immutable weight matrix (row-major, out × in) computing y = W·x, shared by every stream that uses the model.
/// Per-stream scratch space is passed in, so one matrix serves many threads.
/// </summary>
internal abstract class WeightMatrix
{
    protected WeightMatrix(int rows, int columns)
    {
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Bytes of scratch <see cref="Multiply"/> needs.</summary>
    public abstract int ScratchBytes { get; }

    /// <summary>y = W·x; <paramref name="x"/> has <see cref="Columns"/> values, <paramref name="y"/> has <see cref="Rows"/>.</summary>
    public abstract void Multiply(ReadOnlySpan<float> x, Span<float> y, Span<byte> scratch, MatrixKernels kernels);

    /// <summary>
    /// <see cref="Multiply"/> for <paramref name="count"/> vectors: vector k at k·<paramref name="xStride"/> in
    /// <paramref name="x"/> (vectors may overlap, as a convolution's windows do), its result at k·<see cref="Rows"/> in
    /// <paramref name="y"/>; <paramref name="scratch"/> holds <paramref name="count"/>·<see cref="ScratchBytes"/>.
    /// The same results as one vector at a time.
    /// </summary>
    public virtual void MultiplyBlock(ReadOnlySpan<float> x, int xStride, int count, Span<float> y, Span<byte> scratch, MatrixKernels kernels)
    {
        for (int k = 0; k < count; k++)
        {
            Multiply(x.Slice(k * xStride, Columns), y.Slice(k * Rows, Rows), scratch, kernels);
        }
    }

    /// <summary>A matrix of <paramref name="precision"/> holding <paramref name="weights"/> (row-major, as stored: floats or int8 codes).</summary>
    public static WeightMatrix Create(TensorValues weights, int rows, int columns, WeightPrecision precision) =>
        precision == WeightPrecision.Int8
            ? new Int8WeightMatrix(weights.AsCodes(), rows, columns)
            : new FloatWeightMatrix(weights.AsFloats(), rows, columns);
}

internal sealed class FloatWeightMatrix : WeightMatrix
{
    private readonly float[] _weights;

    public FloatWeightMatrix(ReadOnlySpan<float> weights, int rows, int columns)
        : base(rows, columns)
    {
        if (weights.Length != rows * columns)
        {
            throw new ArgumentException($"Expected {rows}×{columns} weights, got {weights.Length}.");
        }

        _weights = weights.ToArray();
    }

    public override int ScratchBytes => 0;

    public override void Multiply(ReadOnlySpan<float> x, Span<float> y, Span<byte> scratch, MatrixKernels kernels)
    {
        ReadOnlySpan<float> w = _weights;
        int n = Columns;
        for (int r = 0; r < Rows; r++)
        {
            y[r] = kernels.Dot(w.Slice(r * n, n), x);
        }
    }
}

internal sealed class Int8WeightMatrix : WeightMatrix
{
    /// <summary>Weight scale: stored value = round(256·w).</summary>
    public const float WeightScale = 256f;

    /// <summary>Activation code for x: 64 + round(63·x).</summary>
    public const int ActivationOffset = 64;

    public const float ActivationScale = 63f;

    private const int Block = 32;

    private readonly sbyte[] _weights; // rows × stride, zero-padded
    private readonly int[] _rowSums;   // Σ_j w_j per row, for the activation offset
    private readonly int _stride;

    /// <param name="codes">The weights' codes round(256·w), row-major.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="columns">Columns.</param>
    public Int8WeightMatrix(ReadOnlySpan<sbyte> codes, int rows, int columns)
        : base(rows, columns)
    {
        if (codes.Length != rows * columns)
        {
            throw new ArgumentException($"Expected {rows}×{columns} weights, got {codes.Length}.");
        }

        _stride = (columns + Block - 1) / Block * Block;
        _weights = new sbyte[rows * _stride];
        _rowSums = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int sum = 0;
            for (int c = 0; c < columns; c++)
            {
                sbyte q = codes[(r * columns) + c];
                _weights[(r * _stride) + c] = q;
                sum += q;
            }

            _rowSums[r] = sum;
        }
    }

    public override int ScratchBytes => _stride;

    public static sbyte Quantise(float weight)
    {
        float scaled = MathF.Round(weight * WeightScale);
        return (sbyte)Math.Clamp(float.IsNaN(scaled) ? 0 : scaled, -127, 127);
    }

    public static byte QuantiseActivation(float x)
    {
        if (float.IsNaN(x))
        {
            return ActivationOffset;
        }

        return (byte)(ActivationOffset + (int)MathF.Round(ActivationScale * Math.Clamp(x, -1f, 1f)));
    }

    public override void MultiplyBlock(ReadOnlySpan<float> x, int xStride, int count, Span<float> y, Span<byte> scratch, MatrixKernels kernels)
    {
        Span<byte> u = scratch[..(count * _stride)];
        for (int k = 0; k < count; k++)
        {
            Span<byte> codes = u.Slice(k * _stride, _stride);
            QuantiseActivations(x.Slice(k * xStride, Columns), codes);
            codes[Columns..].Clear();
        }

        kernels.Int8Block(u, count, _weights, _rowSums, _stride, ActivationOffset, 1f / (ActivationScale * WeightScale), y[..(count * Rows)]);
    }

    /// <summary>
    /// <see cref="QuantiseActivation"/> for each of <paramref name="x"/> into <paramref name="codes"/>: on vectors
    /// (the same float operations, so the same codes), the remainder one by one.
    /// </summary>
    public static void QuantiseActivations(ReadOnlySpan<float> x, Span<byte> codes)
    {
        int c = 0;
        int width = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref byte ru = ref MemoryMarshal.GetReference(codes);
            for (; c <= x.Length - (4 * width); c += 4 * width)
            {
                Vector<short> low = Vector.Narrow(Codes(ref rx, c), Codes(ref rx, c + width));
                Vector<short> high = Vector.Narrow(Codes(ref rx, c + (2 * width)), Codes(ref rx, c + (3 * width)));
                Vector.Narrow(Vector.AsVectorUInt16(low), Vector.AsVectorUInt16(high)).StoreUnsafe(ref ru, (nuint)c);
            }
        }

        for (; c < x.Length; c++)
        {
            codes[c] = QuantiseActivation(x[c]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> Codes(ref float x, int at)
    {
        Vector<float> v = Vector.LoadUnsafe(ref x, (nuint)at);
        v = Vector.ConditionalSelect(Vector.Equals(v, v), v, Vector<float>.Zero); // NaN → 0, as the scalar rule
        v = Vector.Min(Vector.Max(v, new Vector<float>(-1f)), Vector<float>.One);
        return Vector.ConvertToInt32(Vector.Round(v * ActivationScale)) + new Vector<int>(ActivationOffset);
    }

    public override void Multiply(ReadOnlySpan<float> x, Span<float> y, Span<byte> scratch, MatrixKernels kernels)
    {
        Span<byte> u = scratch[.._stride];
        QuantiseActivations(x[..Columns], u);
        u[Columns..].Clear();
        kernels.Int8(u, _weights, _rowSums, _stride, ActivationOffset, 1f / (ActivationScale * WeightScale), y[..Rows]);
    }
}
