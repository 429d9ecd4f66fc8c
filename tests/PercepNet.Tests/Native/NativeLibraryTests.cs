using System.Diagnostics;
using PercepNet.Audio;

namespace PercepNet.Tests.Native;

/// <summary>
/// The C library and the plugins, as C programs and real hosts see them: tests/native/c_api_test.c (compiled with gcc)
/// against the managed denoiser, sox's LADSPA effect and lv2apply against <c>percepnet denoise --keep-delay</c>, and
/// the latency ports against impulses. Uses the build in $PERCEPNET_NATIVE (CI builds it once with
/// scripts/build-native.sh) or builds one; skipped where the C tool chain or the hosts are missing.
/// </summary>
public sealed class NativeLibraryTests(NativeLibraryTests.Build build) : IClassFixture<NativeLibraryTests.Build>
{
    public sealed class Build : IDisposable
    {
        private readonly string? _temporary;

        public Build()
        {
            string[] missing = [.. new[] { "gcc", "clang" }.Where(t => !OnPath(t))];
            if (!File.Exists("/usr/include/ladspa.h") || !File.Exists("/usr/include/lv2/core/lv2.h"))
            {
                missing = [.. missing, "ladspa-sdk/lv2-dev"];
            }

            if (missing.Length > 0)
            {
                Problem = $"the native build needs {string.Join(", ", missing)} (CI installs them)";
                return;
            }

            string? given = Environment.GetEnvironmentVariable("PERCEPNET_NATIVE");
            if (!string.IsNullOrEmpty(given))
            {
                Folder = given;
            }
            else
            {
                _temporary = Directory.CreateTempSubdirectory("percepnet-native-").FullName;
                Folder = _temporary;
                Run("bash", Repository.PathOf("scripts", "build-native.sh"), Folder).Check("build-native.sh");
            }

            TestProgram = Path.Combine(Folder, "c_api_test");
            Run("gcc", "-O2", "-std=c11", "-D_POSIX_C_SOURCE=199309L", "-Wall", "-Wextra", "-Werror", "-I", Path.Combine(Folder, "include"),
                Repository.PathOf("tests", "native", "c_api_test.c"), "-L", Path.Combine(Folder, "lib"), "-lpercepnet",
                "-Wl,-rpath," + Path.Combine(Folder, "lib"), "-ldl", "-lm", "-o", TestProgram).Check("gcc c_api_test.c");
        }

        public string? Problem { get; }

        public string Folder { get; } = "";

        public string TestProgram { get; } = "";

        public void Dispose()
        {
            if (_temporary is not null)
            {
                Directory.Delete(_temporary, recursive: true);
            }
        }
    }

    private sealed record Result(int Code, string Output)
    {
        public Result Check(string what) =>
            Code == 0 ? this : throw new InvalidOperationException($"{what} exited with {Code}:\n{Output}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, tool)));

    private static Result Run(string program, params string[] arguments) => RunIn(null, program, arguments);

    private static Result RunIn(IDictionary<string, string>? environment, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, output + error.Result);
    }

    private string Ready()
    {
        Skip.If(build.Problem is not null, build.Problem);
        return build.Folder;
    }

    private static float[] DevsetSeconds(double seconds, int file = 1)
    {
        string path = Path.Combine(SharedData.Require(), "devset", "noisy", $"dev_{file:000}.wav");
        (float[] mono, int rate) = AudioFile.ReadMono(path);
        Assert.Equal(48000, rate);
        return mono[..(int)Math.Min(mono.Length, seconds * rate)];
    }

    private static void WriteFloats(string path, ReadOnlySpan<float> samples) =>
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples).ToArray());

    [SkippableTheory]
    [InlineData(48000, 1)]
    [InlineData(48000, 2)]
    [InlineData(44100, 2)]
    public void EveryBlockSizeGivesTheManagedDenoisersOutput(int rate, int channels)
    {
        Ready();
        // A devset file (a second one on the right channel), at 48 kHz compared with one Denoiser per channel;
        // at 44.1 kHz with the managed StreamDenoiser, the same code the library was compiled from.
        float[][] planes = [.. Enumerable.Range(0, channels).Select(c => DevsetSeconds(4, 1 + c))];
        if (rate != 48000)
        {
            planes = [.. planes.Select(p => Resampler.Resample(p, 48000, rate))];
        }

        int frames = planes.Min(p => p.Length);
        var input = new float[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                input[(i * channels) + c] = planes[c][i];
            }
        }

        var expected = new float[input.Length];
        if (rate == 48000)
        {
            for (int c = 0; c < channels; c++)
            {
                var denoised = new float[frames];
                new Denoiser().Process(planes[c].AsSpan(0, frames), denoised);
                for (int i = 0; i < frames; i++)
                {
                    expected[(i * channels) + c] = denoised[i];
                }
            }
        }
        else
        {
            new StreamDenoiser(rate, channels).Process(input, expected);
        }

        using var folder = new TemporaryFolder();
        WriteFloats(folder.PathOf("in.f32"), input);
        WriteFloats(folder.PathOf("expected.f32"), expected);
        Result result = Run(build.TestProgram, "blocks", folder.PathOf("in.f32"), folder.PathOf("expected.f32"), $"{rate}", $"{channels}");
        Assert.True(result.Code == 0, result.Output);
        Assert.Equal(6, result.Output.Split('\n').Count(l => l.StartsWith("blocks ", StringComparison.Ordinal)));
    }

    [SkippableTheory]
    [InlineData(16000)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void AnImpulseComesOutAfterTheReportedLatency(int rate)
    {
        Ready();
        Result result = Run(build.TestProgram, "latency", $"{rate}");
        Assert.True(result.Code == 0, result.Output);
        Assert.Contains($"reported={new StreamDenoiser(rate, 1).Latency} measured={new StreamDenoiser(rate, 1).Latency}", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void HostileInputAndInvalidArgumentsGiveFiniteOutputAndErrorCodes()
    {
        Ready();
        Result result = Run(build.TestProgram, "hostile");
        Assert.True(result.Code == 0, result.Output);
    }

    [SkippableFact]
    public void AnHourStreamedInTenMillisecondBlocksKeepsMemoryFlatAndCollectsNoGarbage()
    {
        Ready();
        Result result = Run(build.TestProgram, "soak", "3600", "48000");
        Assert.True(result.Code == 0, result.Output);
    }

    [SkippableFact]
    public void TheLibraryFitsInTenMegabytes()
    {
        string folder = Ready();
        Assert.InRange(new FileInfo(Path.Combine(folder, "lib", "libpercepnet.so")).Length, 1, 10L * 1024 * 1024);
    }

    [SkippableTheory]
    [InlineData("ladspa", 48000)]
    [InlineData("ladspa", 44100)]
    [InlineData("lv2", 48000)]
    [InlineData("lv2", 44100)]
    public void TheLatencyPortTellsWhereAnImpulseComesOut(string kind, int rate)
    {
        string folder = Ready();
        string plugin = kind == "ladspa" ? Path.Combine(folder, "ladspa", "percepnet_ladspa.so") : Path.Combine(folder, "lv2", "percepnet.lv2", "percepnet_lv2.so");
        Result result = Run(build.TestProgram, "plugin-latency", kind, plugin, $"{rate}");
        Assert.True(result.Code == 0, result.Output);
        Assert.Contains($"port={new StreamDenoiser(rate, 1).Latency}", result.Output, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("sox", 48000)]
    [InlineData("sox", 44100)]
    [InlineData("lv2apply", 48000)]
    [InlineData("lv2apply", 44100)]
    public void ARealHostGivesWhatTheToolGivesWithItsDelayKept(string host, int rate)
    {
        string folder = Ready();
        Skip.IfNot(OnPath(host), $"{host} is not installed (CI installs {(host == "sox" ? "sox" : "lilv-utils")})");
        using var temporary = new TemporaryFolder();
        float[] clip = DevsetSeconds(6, 3);
        if (rate != 48000)
        {
            clip = Resampler.Resample(clip, 48000, rate);
        }

        string input = temporary.PathOf("in.wav");
        string output = temporary.PathOf("out.wav");
        // 16-bit input: sox carries samples as 32-bit integers, which would round a float file's quietest samples,
        // and the pitch search can answer such a change differently.
        WavWriter.WriteMono(input, clip, rate, WavSampleFormat.Pcm16);

        Result result = host == "sox"
            // sox 14.4 asks a value for every control port, the output port "latency" included (it is ignored).
            ? RunIn(new Dictionary<string, string> { ["LADSPA_PATH"] = Path.Combine(folder, "ladspa") },
                "sox", input, "-e", "floating-point", "-b", "32", output, "ladspa", "percepnet_ladspa.so", "percepnet_mono", "100", "1", "0", "200", "0")
            : RunIn(new Dictionary<string, string> { ["LV2_PATH"] = Path.Combine(folder, "lv2") },
                "lv2apply", "-i", input, "-o", output, "urn:percepnet:lv2:mono");
        Assert.True(result.Code == 0, result.Output);

        string tool = temporary.PathOf("tool.wav");
        AudioDenoising.DenoiseFile(input, tool, keepDelay: true, format: WavSampleFormat.Float32);
        (float[] hosted, int hostedRate) = AudioFile.ReadMono(output);
        (float[] expected, _) = AudioFile.ReadMono(tool);
        Assert.Equal(rate, hostedRate);
        Assert.Equal(clip.Length, hosted.Length); // hosts keep the length; the tool adds the delay's tail
        double sum = 0;
        for (int i = 0; i < hosted.Length; i++)
        {
            sum += (hosted[i] - expected[i]) * (double)(hosted[i] - expected[i]);
        }

        double rms = Math.Sqrt(sum / hosted.Length);
        Assert.True(rms <= 1e-4, $"{host} at {rate} Hz differs from the tool by {rms:E2} RMS");
        Assert.True(SyntheticSignals.Power(hosted) > 1e-6, "the host's output is not silent");
    }

    private sealed class TemporaryFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("percepnet-native-test-").FullName;

        public string PathOf(string name) => Path.Combine(_path, name);

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
