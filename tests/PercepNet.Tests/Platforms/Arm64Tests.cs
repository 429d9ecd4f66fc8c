using PercepNet.Network;
using PercepNet.PlatformCheck;
using Xunit.Abstractions;

namespace PercepNet.Tests.Platforms;

/// <summary>
/// The ARM64 code paths, run here under Debian's user-mode emulator: the platform check built for linux-arm64
/// (scripts/build-platform-check.sh, or the build in $PERCEPNET_ARM64_CHECK that CI makes once) checks every kernel
/// the emulated CPU offers against the portable int8 results, and denoises a development-set recording, whose output
/// must equal the x86-64 output of the same 128-bit kernel path bit for bit.
/// </summary>
public sealed class Arm64Tests(Arm64Tests.Build build, ITestOutputHelper output) : IClassFixture<Arm64Tests.Build>
{
    public sealed class Build : IDisposable
    {
        private readonly ScriptBuilds _builds = new();

        public Build()
        {
            if (QemuUser.IsInstalled)
            {
                Program = Path.Combine(_builds.FolderOf("PERCEPNET_ARM64_CHECK", "build-platform-check.sh"), "PercepNet.PlatformCheck");
            }
        }

        /// <summary>The arm64 program; null where the emulator or the arm64 C runtime is not installed.</summary>
        public string? Program { get; }

        public void Dispose() => _builds.Dispose();
    }

    /// <summary>The emulated CPU's instruction sets as .NET sees them, and which of them a run may use.</summary>
    public static TheoryData<string> Variants() => ["dot-product", "widening-multiply", "no-intrinsics"];

    private static Dictionary<string, string> EnvironmentOf(string variant) => variant switch
    {
        "widening-multiply" => new() { ["DOTNET_EnableArm64Dp"] = "0" },
        "no-intrinsics" => new() { ["DOTNET_EnableHWIntrinsic"] = "0" },
        _ => [],
    };

    private ChildProcess.Result RunEmulated(string variant, params string[] arguments)
    {
        Skip.If(build.Program is null, "qemu-aarch64-static and the arm64 C runtime (Debian: qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross, libgcc-s1-arm64-cross) are not installed; CI installs them");
        ChildProcess.Result result = QemuUser.Run(build.Program!, arguments, EnvironmentOf(variant));
        output.WriteLine(result.Output);
        return result;
    }

    private static Dictionary<string, string> Report(string text) =>
        text.Split('\n').Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1].Trim());

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public void EveryArm64KernelGivesThePortableInt8ResultsExactly(string variant)
    {
        ChildProcess.Result result = RunEmulated(variant, "kernels");
        Assert.True(result.Code == 0, result.Output);
        Dictionary<string, string> report = Report(result.Output);
        Assert.Equal("arm64", report["architecture"]);

        // Which Accumulate branch of the 128-bit kernel ran: the dot-product instruction, widening multiplies with
        // pairwise additions, or (no intrinsics at all) only the portable and cross-platform kernels.
        (string advSimd, string dp, string paths) = variant switch
        {
            "dot-product" => ("True", "True", "Portable,Vector128"),
            "widening-multiply" => ("True", "False", "Portable,Vector128"),
            _ => ("False", "False", "Portable"),
        };
        Assert.Equal(advSimd, report["advsimd"]);
        Assert.Equal(dp, report["dp"]);
        Assert.Equal(paths, report["kernel-paths"]);
        string[] kernels = variant == "no-intrinsics" ? ["vector128-cross-platform"] : ["vector128-cross-platform", "vector128"];
        foreach (string kernel in kernels)
        {
            foreach (string check in (string[])["int8-sums", "int8-blocks", "network-frames", "network-blocks", "float-dot"])
            {
                Assert.Contains($"ok {kernel} {check}\n", result.Output, StringComparison.Ordinal);
            }
        }

        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TheArm64DenoiserGivesTheX64OutputOfTheSameKernelPath()
    {
        // The widening-multiply kernel gives the same network outputs bit for bit (the kernel checks above), so one
        // run, on the dot product, stands for both.
        const string variant = "dot-product";
        string input = Path.Combine(SharedData.Require(), "devset", "noisy", "dev_001.wav");
        string folder = Directory.CreateTempSubdirectory("percepnet-arm64-denoise-").FullName;
        try
        {
            string path = Path.Combine(folder, "arm64.f32");

            // The same code on x86-64: the int8 sums are exact on every path, and the float arithmetic around them
            // (FFT, dot products of four lanes, the C library's expf and logf) rounds the same on both machines.
            float[] x64 = DenoiserRuns.BlocksThenFrames(DenoiserRuns.ReadWav(input), KernelPath.Vector128);
            float[] arm64 = [];
            int differing = -1;
            for (int attempt = 0; attempt < 2 && differing != 0; attempt++)
            {
                // A second run only where the first differs: the emulator now and then corrupts a .NET run (QemuUser);
                // a fault of the code under test gives the same difference twice.
                ChildProcess.Result result = RunEmulated(variant, "denoise", input, path);
                Assert.True(result.Code == 0, result.Output);
                Assert.Equal("Vector128", Report(result.Output)["default-kernel-path"]);
                arm64 = DenoiserRuns.Read(path);
                Assert.Equal(x64.Length, arm64.Length);
                differing = x64.Zip(arm64).Count(p => BitConverter.SingleToInt32Bits(p.First) != BitConverter.SingleToInt32Bits(p.Second));
            }

            Assert.True(differing == 0, $"{differing} of {x64.Length} samples differ from the x86-64 Vector128 output, in two runs");

            // Against this machine's fastest path the float dot products sum 8 lanes at a time instead of 4: the
            // outputs differ only by that rounding, carried through the recurrent state (about 57 dB below the signal).
            KernelPath best = KernelPaths.Default;
            if (best != KernelPath.Vector128)
            {
                float[] fastest = DenoiserRuns.BlocksThenFrames(DenoiserRuns.ReadWav(input), best);
                double signal = fastest.Sum(x => (double)x * x);
                double error = fastest.Zip(arm64).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second));
                double snr = 10 * Math.Log10(signal / Math.Max(error, 1e-30));
                output.WriteLine($"arm64 against x86-64 {best}: {snr:F1} dB");
                Assert.True(snr >= 45, $"arm64 against x86-64 {best}: only {snr:F1} dB apart");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
