using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PercepNet.Network;

/// <summary>Which implementation of the matrix kernels runs.</summary>
internal enum KernelPath
{
    /// <summary>Plain C# loops, on any CPU.</summary>
    Portable,

    /// <summary>SIMD: AVX2 for int8 weights, Vector256 (else Vector128) FMA for float weights; portable where absent.</summary>
    Simd,
}

internal static class KernelPaths
{
    /// <summary>Whether the SIMD float kernels have hardware support here.</summary>
    public static bool FloatSimdSupported => Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated;

    /// <summary>Whether the AVX2 int8 kernels have hardware support here.</summary>
    public static bool Int8SimdSupported => Avx2.IsSupported;

    /// <summary>The fastest path this machine supports (chosen once at start-up).</summary>
    public static KernelPath Best { get; } = FloatSimdSupported || Int8SimdSupported ? KernelPath.Simd : KernelPath.Portable;
}
