using System.Security.Cryptography;
using PercepNet.Audio;
using PercepNet.PlatformCheck;
using PercepNet.Tests.Cli;
using Xunit.Abstractions;

namespace PercepNet.Tests.Platforms;

/// <summary>
/// The linux-arm64 builds as they ship, run under qemu-user: the C library and plugins (scripts/build-native.sh OUT
/// aarch64, or $PERCEPNET_ARM64_NATIVE) through tests/native/c_api_test.c cross-compiled for arm64, and the NativeAOT
/// tool (the PercepNet.Tool.linux-arm64 package in $PERCEPNET_PACKAGES, or $PERCEPNET_ARM64_TOOL, or
/// scripts/build-single-file.sh OUT aarch64). The library's output is compared with
/// the x86-64 build of the same code on 128-bit vectors, which it equals (the C test allows 1e-5).
/// </summary>
public sealed class Arm64NativeTests(Arm64NativeTests.Build build, ITestOutputHelper output) : IClassFixture<Arm64NativeTests.Build>
{
    private const string CrossCompiler = "aarch64-linux-gnu-gcc";

    public sealed class Build : IDisposable
    {
        private readonly ScriptBuilds _builds = new();

        public Build()
        {
            string[] missing = [.. new[] { CrossCompiler, "clang" }.Where(t => !ChildProcess.IsInstalled(t))];
            if (!QemuUser.IsInstalled || !File.Exists("/usr/include/ladspa.h") || !File.Exists("/usr/include/lv2/core/lv2.h"))
            {
                missing = [.. missing, "qemu-user-static/libc6-dev-arm64-cross/ladspa-sdk/lv2-dev"];
            }

            if (missing.Length > 0)
            {
                Problem = $"the arm64 builds need {string.Join(", ", missing)} (Debian: qemu-user-static, gcc-aarch64-linux-gnu, binutils-aarch64-linux-gnu, libc6-dev-arm64-cross; CI installs them)";
                return;
            }

            Native = _builds.FolderOf("PERCEPNET_ARM64_NATIVE", "build-native.sh", "aarch64");
            Tool = PackagedTool() ?? Path.Combine(_builds.FolderOf("PERCEPNET_ARM64_TOOL", "build-single-file.sh", "aarch64"), "percepnet");
            TestProgram = Path.Combine(Native, "c_api_test_arm64");
            ChildProcess.Run(CrossCompiler, ["-idirafter", "/usr/include", "-O2", "-std=c11", "-D_POSIX_C_SOURCE=199309L", "-Wall", "-Wextra", "-Werror",
                "-I", Path.Combine(Native, "include"), Repository.PathOf("tests", "native", "c_api_test.c"), "-L", Path.Combine(Native, "lib"),
                "-lpercepnet", "-Wl,-rpath," + Path.Combine(Native, "lib"), "-ldl", "-lm", "-o", TestProgram]).Check("aarch64 gcc c_api_test.c");
        }

        /// <summary>
        /// The executable in the PercepNet.Tool.linux-arm64 package that CI packs ($PERCEPNET_PACKAGES), as
        /// <c>dotnet tool install</c> puts it on an ARM64 machine; null without one.
        /// </summary>
        private string? PackagedTool()
        {
            string? packages = Environment.GetEnvironmentVariable("PERCEPNET_PACKAGES");
            string? package = string.IsNullOrEmpty(packages) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PERCEPNET_ARM64_TOOL"))
                ? null
                : Directory.EnumerateFiles(packages, "PercepNet.Tool.linux-arm64.*.nupkg").SingleOrDefault();
            if (package is null)
            {
                return null;
            }

            string folder = _builds.NewFolder("arm64-package");
            System.IO.Compression.ZipFile.ExtractToDirectory(package, folder);
            string tool = Path.Combine(folder, "tools", "any", "linux-arm64", "PercepNet.Cli");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(tool, File.GetUnixFileMode(tool) | UnixFileMode.UserExecute); // a zip entry keeps no mode
            }
            return tool;
        }

        public string? Problem { get; }

        public string Native { get; } = "";

        public string Tool { get; } = "";

        public string TestProgram { get; } = "";

        public void Dispose() => _builds.Dispose();
    }

    private ChildProcess.Result RunEmulated(string program, params string[] arguments)
    {
        Skip.If(build.Problem is not null, build.Problem);
        ChildProcess.Result result = QemuUser.Run(program, arguments);
        output.WriteLine(result.Output);
        return result;
    }

    [SkippableTheory]
    [InlineData(48000, 1)]
    [InlineData(44100, 2)]
    public void EveryBlockSizeGivesTheX64OutputOfTheSameKernelPath(int rate, int channels)
    {
        Skip.If(build.Problem is not null, build.Problem);

        // Two seconds of development-set speech per channel, interleaved.
        string devset = Path.Combine(SharedData.Require(), "devset", "noisy");
        float[][] planes = [.. Enumerable.Range(1, channels).Select(c => Resampler.Resample(AudioFile.ReadMono(Path.Combine(devset, $"dev_{c:000}.wav")).Samples[..96000], 48000, rate))];
        int frames = planes.Min(p => p.Length);
        var input = new float[frames * channels];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = planes[i % channels][i / channels];
        }

        string folder = Directory.CreateTempSubdirectory("percepnet-arm64-blocks-").FullName;
        try
        {
            string inputPath = Path.Combine(folder, "in.f32"), expectedPath = Path.Combine(folder, "expected.f32");
            DenoiserRuns.Write(input, inputPath);

            // The expected output from the x86-64 build of the same code with AVX2 turned off: 128-bit vectors
            // throughout, as on ARM (with AVX2 the resampler's dot products sum 8 lanes at a time, not 4, and the
            // outputs differ by rounding, up to 2e-4 at 44.1 kHz).
            ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "PercepNet.PlatformCheck.dll"), "stream", inputPath, expectedPath, $"{rate}", $"{channels}"],
                new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" }).Check("PercepNet.PlatformCheck stream");
            ChildProcess.Result result = RunEmulated(build.TestProgram, "blocks", Path.Combine(folder, "in.f32"), Path.Combine(folder, "expected.f32"), $"{rate}", $"{channels}");
            Assert.True(result.Code == 0, result.Output);
            Assert.Equal(6, result.Output.Split('\n').Count(l => l.StartsWith("blocks ", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public void AnImpulseComesOutAfterTheReportedLatency()
    {
        ChildProcess.Result result = RunEmulated(build.TestProgram, "latency", "44100");
        Assert.True(result.Code == 0, result.Output);
        int latency = new StreamDenoiser(44100, 1).Latency;
        Assert.Contains($"reported={latency} measured={latency}", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void HostileInputAndInvalidArgumentsGiveFiniteOutputAndErrorCodes()
    {
        ChildProcess.Result result = RunEmulated(build.TestProgram, "hostile");
        Assert.True(result.Code == 0, result.Output);
    }

    [SkippableTheory]
    [InlineData("ladspa")]
    [InlineData("lv2")]
    public void ThePluginsLatencyPortTellsWhereAnImpulseComesOut(string kind)
    {
        string plugin = kind == "ladspa"
            ? Path.Combine(build.Native, "ladspa", "percepnet_ladspa.so")
            : Path.Combine(build.Native, "lv2", "percepnet.lv2", "percepnet_lv2.so");
        ChildProcess.Result result = RunEmulated(build.TestProgram, "plugin-latency", kind, plugin, "48000");
        Assert.True(result.Code == 0, result.Output);
        Assert.Contains($"port={new StreamDenoiser(48000, 1).Latency}", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TheArm64ToolWritesTheBytesTheX64ToolWrites()
    {
        // 16-bit output, as the tool keeps the input's format: the recorded x86-64 output, byte for byte.
        string folder = Directory.CreateTempSubdirectory("percepnet-arm64-tool-").FullName;
        try
        {
            string denoised = Path.Combine(folder, "denoised.wav");
            ChildProcess.Result result = RunEmulated(build.Tool, "denoise", Repository.PathOf("examples", "noisy.wav"), "-o", denoised);
            Assert.True(result.Code == 0, result.Output);
            Assert.Equal(ReferenceOutputTests.Pcm16Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(denoised))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
