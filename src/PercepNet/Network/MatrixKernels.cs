using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using PercepNet.Dsp;
using System.Runtime.Intrinsics.X86;

namespace PercepNet.Network;

/// <summary>
/// The matrix-vector kernels behind one interface, one implementation per instruction set (DESIGN §8), chosen once
/// when a network is made (<see cref="For"/>) and held by its layers. Every implementation computes the same integer
/// sums for int8 weights, so their outputs agree exactly; float dot products agree to rounding.
/// </summary>
internal abstract class MatrixKernels
{
    public abstract KernelPath Path { get; }

    /// <summary>
    /// y(r) = (Σ_j u(j)·w(r, j) − offset·rowSums(r))·scale for each row: <paramref name="u"/> holds activation codes
    /// 0…127 padded with zeros to <paramref name="stride"/> (a multiple of 32), <paramref name="weights"/> the rows,
    /// each <paramref name="stride"/> long.
    /// </summary>
    public abstract void Int8(ReadOnlySpan<byte> u, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y);

    /// <summary>
    /// <see cref="Int8"/> for <paramref name="count"/> activation vectors at once (<paramref name="u"/>: vector k at
    /// k·<paramref name="stride"/>; <paramref name="y"/>: its rows at k·rows): the same sums, so the same results.
    /// Kernels with <see cref="Int8Tiles"/> take tiles of two rows by four vectors, each weight loaded once per tile
    /// (so once per block from memory); the rest goes one vector at a time.
    /// </summary>
    public void Int8Block(ReadOnlySpan<byte> u, int count, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y)
    {
        int rows = rowSums.Length;
        int tiledVectors = HasTiles ? count / 4 * 4 : 0;
        int tiledRows = tiledVectors > 0 ? rows / 2 * 2 : 0;
        if (tiledRows > 0)
        {
            Int8Tiles(u, tiledVectors, weights, rowSums[..tiledRows], stride, offset, scale, y, rows);
        }

        for (int k = 0; k < count; k++)
        {
            int from = k < tiledVectors ? tiledRows : 0; // rows the tiles did not compute for this vector
            if (from < rows)
            {
                Int8(u.Slice(k * stride, stride), weights[(from * stride)..], rowSums[from..], stride, offset, scale, y.Slice((k * rows) + from, rows - from));
            }
        }
    }

    /// <summary>Whether this kernel has <see cref="Int8Tiles"/>.</summary>
    protected virtual bool HasTiles => false;

    /// <summary>
    /// <see cref="Int8Block"/> for <paramref name="count"/> (a multiple of 4) vectors and an even number of rows, by tiles
    /// of two rows by four vectors; vector k's row r goes to y(k·<paramref name="yStride"/> + r).
    /// </summary>
    protected virtual void Int8Tiles(ReadOnlySpan<byte> u, int count, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale,
        Span<float> y, int yStride) => throw new NotSupportedException();

    /// <summary>Σ a(i)·b(i).</summary>
    public abstract float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b);

    /// <summary>The kernels of <paramref name="path"/>; throws when this CPU cannot run them.</summary>
    public static MatrixKernels For(KernelPath path) => path switch
    {
        KernelPath.Portable => PortableKernels.Instance,
        KernelPath.Vector128 when KernelPaths.IsSupported(path) => Vector128Kernels.Instance,
        KernelPath.Avx2 when KernelPaths.IsSupported(path) => Avx2Kernels.Instance,
        KernelPath.AvxVnni when KernelPaths.IsSupported(path) => AvxVnniKernels.Instance,
        _ => throw new PlatformNotSupportedException($"This CPU cannot run the {path} kernels."),
    };
}

/// <summary>Plain loops, on any CPU: the reference the others are tested against.</summary>
internal sealed class PortableKernels : MatrixKernels
{
    public static PortableKernels Instance { get; } = new();

    public override KernelPath Path => KernelPath.Portable;

    public override void Int8(ReadOnlySpan<byte> u, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y)
    {
        for (int r = 0; r < y.Length; r++)
        {
            ReadOnlySpan<sbyte> w = weights.Slice(r * stride, stride);
            int acc = 0;
            for (int c = 0; c < stride; c++)
            {
                acc += u[c] * w[c];
            }

            y[r] = (acc - (offset * rowSums[r])) * scale;
        }
    }

    public override float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorMath.DotPortable(a, b);
}

/// <summary>
/// 128-bit vectors, for x86 without AVX2 and for ARM64: SSSE3's multiply-add of bytes on x86; on ARM the dot-product
/// instruction where present, else widening multiplies with pairwise accumulation; elsewhere the cross-platform
/// Vector128 operations (<see cref="CrossPlatform"/>, which tests also run on x86).
/// </summary>
internal sealed class Vector128Kernels(bool crossPlatformOnly = false) : MatrixKernels
{
    public static Vector128Kernels Instance { get; } = new();

    /// <summary>The same kernels using only cross-platform Vector128 operations (the fallback, and its test).</summary>
    public static Vector128Kernels CrossPlatform { get; } = new(crossPlatformOnly: true);

    public override KernelPath Path => KernelPath.Vector128;

    public override void Int8(ReadOnlySpan<byte> u, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y)
    {
        ref byte ru = ref MemoryMarshal.GetReference(u);
        ref sbyte rw = ref MemoryMarshal.GetReference(weights);
        int rows = y.Length;
        int r = 0;
        for (; r <= rows - 4; r += 4)
        {
            // Four rows at a time share each load of the activations.
            Vector128<int> a0 = Vector128<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            nuint o0 = (nuint)(r * stride), o1 = o0 + (nuint)stride, o2 = o1 + (nuint)stride, o3 = o2 + (nuint)stride;
            for (int c = 0; c < stride; c += 16)
            {
                Vector128<byte> xv = Vector128.LoadUnsafe(ref ru, (nuint)c);
                a0 = Accumulate(a0, xv, Vector128.LoadUnsafe(ref rw, o0 + (nuint)c));
                a1 = Accumulate(a1, xv, Vector128.LoadUnsafe(ref rw, o1 + (nuint)c));
                a2 = Accumulate(a2, xv, Vector128.LoadUnsafe(ref rw, o2 + (nuint)c));
                a3 = Accumulate(a3, xv, Vector128.LoadUnsafe(ref rw, o3 + (nuint)c));
            }

            y[r] = (Vector128.Sum(a0) - (offset * rowSums[r])) * scale;
            y[r + 1] = (Vector128.Sum(a1) - (offset * rowSums[r + 1])) * scale;
            y[r + 2] = (Vector128.Sum(a2) - (offset * rowSums[r + 2])) * scale;
            y[r + 3] = (Vector128.Sum(a3) - (offset * rowSums[r + 3])) * scale;
        }

        for (; r < rows; r++)
        {
            nuint row = (nuint)(r * stride);
            Vector128<int> acc = Vector128<int>.Zero;
            for (int c = 0; c < stride; c += 16)
            {
                acc = Accumulate(acc, Vector128.LoadUnsafe(ref ru, (nuint)c), Vector128.LoadUnsafe(ref rw, row + (nuint)c));
            }

            y[r] = (Vector128.Sum(acc) - (offset * rowSums[r])) * scale;
        }
    }

    protected override bool HasTiles => true;

    protected override void Int8Tiles(ReadOnlySpan<byte> u, int count, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale,
        Span<float> y, int yStride)
    {
        ref byte ru = ref MemoryMarshal.GetReference(u);
        ref sbyte rw = ref MemoryMarshal.GetReference(weights);
        nuint st = (nuint)stride;
        for (int r = 0; r < rowSums.Length; r += 2)
        {
            nuint w0 = (nuint)r * st, w1 = w0 + st;
            int s0 = offset * rowSums[r], s1 = offset * rowSums[r + 1];
            for (int k = 0; k < count; k += 4)
            {
                Vector128<int> a00 = Vector128<int>.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                nuint x0 = (nuint)k * st;
                for (nuint c = 0; c < st; c += 16)
                {
                    Vector128<sbyte> v0 = Vector128.LoadUnsafe(ref rw, w0 + c), v1 = Vector128.LoadUnsafe(ref rw, w1 + c);
                    Vector128<byte> u0 = Vector128.LoadUnsafe(ref ru, x0 + c), u1 = Vector128.LoadUnsafe(ref ru, x0 + st + c);
                    Vector128<byte> u2 = Vector128.LoadUnsafe(ref ru, x0 + (2 * st) + c), u3 = Vector128.LoadUnsafe(ref ru, x0 + (3 * st) + c);
                    (a00, a10) = (Accumulate(a00, u0, v0), Accumulate(a10, u0, v1));
                    (a01, a11) = (Accumulate(a01, u1, v0), Accumulate(a11, u1, v1));
                    (a02, a12) = (Accumulate(a02, u2, v0), Accumulate(a12, u2, v1));
                    (a03, a13) = (Accumulate(a03, u3, v0), Accumulate(a13, u3, v1));
                }

                ReadOnlySpan<Vector128<int>> sums = [a00, a10, a01, a11, a02, a12, a03, a13];
                for (int j = 0; j < 4; j++)
                {
                    y[((k + j) * yStride) + r] = (Vector128.Sum(sums[2 * j]) - s0) * scale;
                    y[((k + j) * yStride) + r + 1] = (Vector128.Sum(sums[(2 * j) + 1]) - s1) * scale;
                }
            }
        }
    }

    public override float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        Vector128.IsHardwareAccelerated ? VectorMath.DotVector128(a, b) : VectorMath.DotPortable(a, b);

    /// <summary>acc + the 16 products u(i)·w(i) (u ≤ 127, so u fits a signed byte and a pair of products an int16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<int> Accumulate(Vector128<int> acc, Vector128<byte> u, Vector128<sbyte> w)
    {
        if (!crossPlatformOnly)
        {
            if (Ssse3.IsSupported)
            {
                return Sse2.Add(acc, Sse2.MultiplyAddAdjacent(Ssse3.MultiplyAddAdjacent(u, w), Vector128.Create((short)1)));
            }

            if (Dp.IsSupported)
            {
                return Dp.DotProduct(acc, u.AsSByte(), w);
            }

            if (AdvSimd.IsSupported)
            {
                acc = AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLower(u.GetLower().AsSByte(), w.GetLower()));
                return AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningUpper(u.AsSByte(), w));
            }
        }

        (Vector128<short> u0, Vector128<short> u1) = Vector128.Widen(u.AsSByte());
        (Vector128<short> w0, Vector128<short> w1) = Vector128.Widen(w);
        (Vector128<int> p0, Vector128<int> p1) = Vector128.Widen((u0 * w0) + (u1 * w1));
        return acc + p0 + p1;
    }
}

/// <summary>256-bit AVX2: 32 byte products per multiply-add (two multiply-adds and an add), four rows at a time.</summary>
internal sealed class Avx2Kernels : MatrixKernels
{
    public static Avx2Kernels Instance { get; } = new();

    public override KernelPath Path => KernelPath.Avx2;

    public override void Int8(ReadOnlySpan<byte> u, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y) =>
        Int8Kernel256.Multiply<MultiplyAddAdjacent>(u, weights, rowSums, stride, offset, scale, y);

    protected override bool HasTiles => true;

    protected override void Int8Tiles(ReadOnlySpan<byte> u, int count, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale,
        Span<float> y, int yStride) => Int8Kernel256.Tiles<MultiplyAddAdjacent>(u, count, weights, rowSums, stride, offset, scale, y, yStride);

    public override float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorMath.Dot(a, b);
}

/// <summary>256-bit AVX-VNNI: the AVX2 kernel with one fused byte dot-product instruction per 32 products.</summary>
internal sealed class AvxVnniKernels : MatrixKernels
{
    public static AvxVnniKernels Instance { get; } = new();

    public override KernelPath Path => KernelPath.AvxVnni;

    public override void Int8(ReadOnlySpan<byte> u, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y) =>
        Int8Kernel256.Multiply<VnniDotProduct>(u, weights, rowSums, stride, offset, scale, y);

    protected override bool HasTiles => true;

    protected override void Int8Tiles(ReadOnlySpan<byte> u, int count, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale,
        Span<float> y, int yStride) => Int8Kernel256.Tiles<VnniDotProduct>(u, count, weights, rowSums, stride, offset, scale, y, yStride);

    public override float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorMath.Dot(a, b);
}

/// <summary>One step of a 256-bit int8 dot product: acc + the 32 products u(i)·w(i), summed in groups of four.</summary>
internal interface IByteDotStep256
{
    static abstract Vector256<int> Accumulate(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> w);
}

/// <summary>AVX2: byte pairs to int16 (exact, as u ≤ 127), then int16 pairs to int32.</summary>
internal readonly struct MultiplyAddAdjacent : IByteDotStep256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Accumulate(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> w) =>
        Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, w), Vector256.Create((short)1)));
}

/// <summary>AVX-VNNI's VPDPBUSD: the same sums in one instruction.</summary>
internal readonly struct VnniDotProduct : IByteDotStep256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Accumulate(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> w) =>
        AvxVnni.MultiplyWideningAndAdd(acc, u, w);
}

/// <summary>The 256-bit int8 matrix-vector product, one source for each dot-product step (specialised per step type).</summary>
internal static class Int8Kernel256
{
    public static void Multiply<TStep>(ReadOnlySpan<byte> u, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale, Span<float> y)
        where TStep : struct, IByteDotStep256
    {
        ref byte ru = ref MemoryMarshal.GetReference(u);
        ref sbyte rw = ref MemoryMarshal.GetReference(weights);
        nuint st = (nuint)stride;
        int rows = y.Length;
        int r = 0;
        for (; r <= rows - 4; r += 4)
        {
            // Four rows at a time share each load of the activations.
            Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
            nuint o0 = (nuint)r * st;
            for (nuint c = 0; c < st; c += 32)
            {
                Vector256<byte> xv = Vector256.LoadUnsafe(ref ru, c);
                nuint o = o0 + c;
                a0 = TStep.Accumulate(a0, xv, Vector256.LoadUnsafe(ref rw, o));
                a1 = TStep.Accumulate(a1, xv, Vector256.LoadUnsafe(ref rw, o + st));
                a2 = TStep.Accumulate(a2, xv, Vector256.LoadUnsafe(ref rw, o + (2 * st)));
                a3 = TStep.Accumulate(a3, xv, Vector256.LoadUnsafe(ref rw, o + (3 * st)));
            }

            y[r] = (Vector256.Sum(a0) - (offset * rowSums[r])) * scale;
            y[r + 1] = (Vector256.Sum(a1) - (offset * rowSums[r + 1])) * scale;
            y[r + 2] = (Vector256.Sum(a2) - (offset * rowSums[r + 2])) * scale;
            y[r + 3] = (Vector256.Sum(a3) - (offset * rowSums[r + 3])) * scale;
        }

        for (; r < rows; r++)
        {
            Vector256<int> a = Vector256<int>.Zero;
            nuint o = (nuint)r * st;
            for (nuint c = 0; c < st; c += 32)
            {
                a = TStep.Accumulate(a, Vector256.LoadUnsafe(ref ru, c), Vector256.LoadUnsafe(ref rw, o + c));
            }

            y[r] = (Vector256.Sum(a) - (offset * rowSums[r])) * scale;
        }
    }

    /// <summary>
    /// <see cref="MatrixKernels.Int8Tiles"/>: tiles of two rows by four vectors, so each weight is loaded from memory once
    /// per block rather than once per vector (the weights stream from the outer caches, the vectors stay in the first).
    /// </summary>
    public static void Tiles<TStep>(ReadOnlySpan<byte> u, int count, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> rowSums, int stride, int offset, float scale,
        Span<float> y, int yStride)
        where TStep : struct, IByteDotStep256
    {
        ref byte ru = ref MemoryMarshal.GetReference(u);
        ref sbyte rw = ref MemoryMarshal.GetReference(weights);
        nuint st = (nuint)stride;
        for (int r = 0; r < rowSums.Length; r += 2)
        {
            nuint w0 = (nuint)r * st, w1 = w0 + st;
            int s0 = offset * rowSums[r], s1 = offset * rowSums[r + 1];
            for (int k = 0; k < count; k += 4)
            {
                Vector256<int> a00 = Vector256<int>.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                nuint x0 = (nuint)k * st;
                for (nuint c = 0; c < st; c += 32)
                {
                    Vector256<sbyte> v0 = Vector256.LoadUnsafe(ref rw, w0 + c), v1 = Vector256.LoadUnsafe(ref rw, w1 + c);
                    Vector256<byte> u0 = Vector256.LoadUnsafe(ref ru, x0 + c);
                    a00 = TStep.Accumulate(a00, u0, v0);
                    a10 = TStep.Accumulate(a10, u0, v1);
                    Vector256<byte> u1 = Vector256.LoadUnsafe(ref ru, x0 + st + c);
                    a01 = TStep.Accumulate(a01, u1, v0);
                    a11 = TStep.Accumulate(a11, u1, v1);
                    Vector256<byte> u2 = Vector256.LoadUnsafe(ref ru, x0 + (2 * st) + c);
                    a02 = TStep.Accumulate(a02, u2, v0);
                    a12 = TStep.Accumulate(a12, u2, v1);
                    Vector256<byte> u3 = Vector256.LoadUnsafe(ref ru, x0 + (3 * st) + c);
                    a03 = TStep.Accumulate(a03, u3, v0);
                    a13 = TStep.Accumulate(a13, u3, v1);
                }

                int y0 = (k * yStride) + r;
                y[y0] = (Vector256.Sum(a00) - s0) * scale;
                y[y0 + 1] = (Vector256.Sum(a10) - s1) * scale;
                y[y0 + yStride] = (Vector256.Sum(a01) - s0) * scale;
                y[y0 + yStride + 1] = (Vector256.Sum(a11) - s1) * scale;
                y[y0 + (2 * yStride)] = (Vector256.Sum(a02) - s0) * scale;
                y[y0 + (2 * yStride) + 1] = (Vector256.Sum(a12) - s1) * scale;
                y[y0 + (3 * yStride)] = (Vector256.Sum(a03) - s0) * scale;
                y[y0 + (3 * yStride) + 1] = (Vector256.Sum(a13) - s1) * scale;
            }
        }
    }
}
