using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;
using PercepNet.Network;

namespace PercepNet.PlatformCheck;

/// <summary>What the machine offers, one "name value" line each, so that a caller can tell which code paths ran.</summary>
public static class PlatformReport
{
    public static IReadOnlyList<(string Name, string Value)> Lines() =>
    [
        ("architecture", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()),
        ("vector128", Vector128.IsHardwareAccelerated.ToString()),
        ("advsimd", AdvSimd.IsSupported.ToString()),
        ("advsimd.arm64", AdvSimd.Arm64.IsSupported.ToString()),
        ("dp", Dp.IsSupported.ToString()),
        ("ssse3", Ssse3.IsSupported.ToString()),
        ("avx2", Avx2.IsSupported.ToString()),
        ("avxvnni", AvxVnni.IsSupported.ToString()),
        ("kernel-paths", string.Join(',', KernelPaths.Supported)),
        ("default-kernel-path", KernelPaths.Default.ToString()),
    ];

    public static void Write(TextWriter output)
    {
        foreach ((string name, string value) in Lines())
        {
            output.WriteLine($"{name} {value}");
        }
    }
}
