using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PercepNet.Dsp;

/// <summary>Dot products for the correlation searches and the silence test: SIMD paths and portable paths that tests compare.</summary>
internal static class VectorMath
{
    /// <summary>True when every |x(i)| ≤ <paramref name="limit"/>; false for a negative limit or a NaN sample.</summary>
    public static bool PeakAtMost(ReadOnlySpan<float> x, float limit)
    {
        if (!(limit >= 0))
        {
            return false;
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> bound = Vector256.Create(limit);
            ref float start = ref MemoryMarshal.GetReference(x);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                if (!Vector256.LessThanOrEqualAll(Vector256.Abs(Vector256.LoadUnsafe(ref start, (nuint)i)), bound))
                {
                    return false;
                }
            }
        }

        return PeakAtMostPortable(x[i..], limit);
    }

    /// <summary><see cref="PeakAtMost"/> one sample at a time.</summary>
    public static bool PeakAtMostPortable(ReadOnlySpan<float> x, float limit)
    {
        if (!(limit >= 0))
        {
            return false;
        }

        foreach (float v in x)
        {
            if (!(MathF.Abs(v) <= limit))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Σ a(i)·b(i) with the widest vectors the machine has.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Spans must have the same length.");
        }

        return Vector256.IsHardwareAccelerated ? DotVector256(a, b)
            : Vector128.IsHardwareAccelerated ? DotVector128(a, b)
            : DotPortable(a, b);
    }

    /// <summary>(Σ a(i)·b(i), Σ b(i)²) in one pass, each to the bit what <see cref="Dot"/> gives for it.</summary>
    public static (float Dot, float Squares) DotAndSquares(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Spans must have the same length.");
        }

        if (!Vector256.IsHardwareAccelerated)
        {
            return (Dot(a, b), Dot(b, b));
        }

        // DotVector256's accumulators and order, twice over.
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int n = a.Length;
        int i = 0;
        Vector256<float> dot0 = Vector256<float>.Zero, dot1 = Vector256<float>.Zero;
        Vector256<float> sq0 = Vector256<float>.Zero, sq1 = Vector256<float>.Zero;
        for (; i <= n - 16; i += 16)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref rb, (nuint)i), b1 = Vector256.LoadUnsafe(ref rb, (nuint)(i + 8));
            dot0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), b0, dot0);
            dot1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 8)), b1, dot1);
            sq0 = Vector256.FusedMultiplyAdd(b0, b0, sq0);
            sq1 = Vector256.FusedMultiplyAdd(b1, b1, sq1);
        }

        for (; i <= n - 8; i += 8)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref rb, (nuint)i);
            dot0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), b0, dot0);
            sq0 = Vector256.FusedMultiplyAdd(b0, b0, sq0);
        }

        float dot = Vector256.Sum(dot0 + dot1), squares = Vector256.Sum(sq0 + sq1);
        for (; i < n; i++)
        {
            float y = Unsafe.Add(ref rb, i);
            dot += Unsafe.Add(ref ra, i) * y;
            squares += y * y;
        }

        return (dot, squares);
    }

    /// <summary>Σ a(i)·b(i), one element at a time.</summary>
    public static float DotPortable(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Σ a(i)·b(i) with 128-bit vectors (SSE, NEON), for machines without 256-bit ones.</summary>
    internal static float DotVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int n = a.Length;
        int i = 0;
        Vector128<float> acc0 = Vector128<float>.Zero;
        Vector128<float> acc1 = Vector128<float>.Zero;
        for (; i <= n - 8; i += 8)
        {
            acc0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ra, (nuint)i), Vector128.LoadUnsafe(ref rb, (nuint)i), acc0);
            acc1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ra, (nuint)(i + 4)), Vector128.LoadUnsafe(ref rb, (nuint)(i + 4)), acc1);
        }

        float sum = Vector128.Sum(acc0 + acc1);
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotVector256(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int n = a.Length;
        int i = 0;
        Vector256<float> acc0 = Vector256<float>.Zero;
        Vector256<float> acc1 = Vector256<float>.Zero;
        for (; i <= n - 16; i += 16)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 8)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 8)), acc1);
        }

        for (; i <= n - 8; i += 8)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), acc0);
        }

        float sum = Vector256.Sum(acc0 + acc1);
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }
}
