using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PercepNet.Network;

/// <summary>Which implementation of the matrix kernels runs (<see cref="MatrixKernels"/>).</summary>
internal enum KernelPath
{
    /// <summary>Plain C# loops, on any CPU.</summary>
    Portable,

    /// <summary>128-bit vectors: SSSE3 on x86, AdvSimd on ARM64.</summary>
    Vector128,

    /// <summary>256-bit AVX2 on x86.</summary>
    Avx2,

    /// <summary>256-bit AVX2 with AVX-VNNI's byte dot products (x86 since Ice Lake and Zen 4).</summary>
    AvxVnni,
}

internal static class KernelPaths
{
    /// <summary>Whether this CPU can run <paramref name="path"/>.</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Portable => true,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        KernelPath.Avx2 => Avx2.IsSupported,
        KernelPath.AvxVnni => Avx2.IsSupported && AvxVnni.IsSupported,
        _ => false,
    };

    /// <summary>Every path this CPU can run, slowest first.</summary>
    public static IReadOnlyList<KernelPath> Supported { get; } = [.. Enum.GetValues<KernelPath>().Where(IsSupported)];

    /// <summary>
    /// The environment variable that picks a path for measurement (portable, vector128, avx2 or avxvnni, any case);
    /// read once, at start-up. A name this CPU cannot run, or no name, leaves the fastest path.
    /// </summary>
    public const string Variable = "PERCEPNET_KERNELS";

    /// <summary>The path every network uses unless told otherwise: <see cref="Variable"/>'s, else the fastest this machine supports (chosen once at start-up).</summary>
    public static KernelPath Default { get; } = Chosen(Environment.GetEnvironmentVariable(Variable)) ?? Supported[^1];

    /// <summary>The supported path <paramref name="name"/> names; null for none, an unknown name or one this CPU cannot run.</summary>
    internal static KernelPath? Chosen(string? name) =>
        Enum.TryParse(name, ignoreCase: true, out KernelPath path) && Enum.IsDefined(path) && IsSupported(path) ? path : null;
}
