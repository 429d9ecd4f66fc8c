using PercepNet.Audio;

namespace PercepNet.Tests.Native;

/// <summary>
/// The C library and the plugins, as C programs and real hosts see them: tests/native/c_api_test.c (compiled with gcc)
/// against the managed denoiser, sox's LADSPA effect and lv2apply against <c>percepnet denoise --keep-delay</c> (the built tool), and
/// the latency ports against impulses. Uses the build in $PERCEPNET_NATIVE (CI builds it once with
/// scripts/build-native.sh) or builds one; skipped where the C tool chain or the hosts are missing.
/// </summary>
public sealed class NativeLibraryTests(NativeLibraryTests.Build build) : IClassFixture<NativeLibraryTests.Build>
{
    public sealed class Build : IDisposable
    {
        private readonly ScriptBuilds _builds = new();

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

            Folder = _builds.FolderOf("PERCEPNET_NATIVE", "build-native.sh");

            TestProgram = Path.Combine(Folder, "c_api_test");
            Run("gcc", "-O2", "-std=c11", "-D_POSIX_C_SOURCE=199309L", "-Wall", "-Wextra", "-Werror", "-I", Path.Combine(Folder, "include"),
                Repository.PathOf("tests", "native", "c_api_test.c"), "-L", Path.Combine(Folder, "lib"), "-lpercepnet",
                "-Wl,-rpath," + Path.Combine(Folder, "lib"), "-ldl", "-lm", "-o", TestProgram).Check("gcc c_api_test.c");
        }

        public string? Problem { get; }

        public string Folder { get; } = "";

        public string TestProgram { get; } = "";

        public void Dispose() => _builds.Dispose();
    }

    private static bool OnPath(string tool) => ChildProcess.IsInstalled(tool);

    private static ChildProcess.Result Run(string program, params string[] arguments) => ChildProcess.Run(program, arguments);

    private static ChildProcess.Result RunIn(IReadOnlyDictionary<string, string> environment, string program, params string[] arguments) =>
        ChildProcess.Run(program, arguments, environment);

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
        ChildProcess.Result result = Run(build.TestProgram, "blocks", folder.PathOf("in.f32"), folder.PathOf("expected.f32"), $"{rate}", $"{channels}");
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
        ChildProcess.Result result = Run(build.TestProgram, "latency", $"{rate}");
        Assert.True(result.Code == 0, result.Output);
        Assert.Contains($"reported={new StreamDenoiser(rate, 1).Latency} measured={new StreamDenoiser(rate, 1).Latency}", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void HostileInputAndInvalidArgumentsGiveFiniteOutputAndErrorCodes()
    {
        Ready();
        ChildProcess.Result result = Run(build.TestProgram, "hostile");
        Assert.True(result.Code == 0, result.Output);
    }

    [SkippableFact]
    public void AnHourStreamedInTenMillisecondBlocksKeepsMemoryFlatAndCollectsNoGarbage()
    {
        Ready();
        ChildProcess.Result result = Run(build.TestProgram, "soak", "3600", "48000");
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
        ChildProcess.Result result = Run(build.TestProgram, "plugin-latency", kind, plugin, $"{rate}");
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

        ChildProcess.Result result = host == "sox"
            // sox 14.4 asks a value for every control port, the output port "latency" included (it is ignored).
            ? RunIn(new Dictionary<string, string> { ["LADSPA_PATH"] = Path.Combine(folder, "ladspa") },
                "sox", input, "-e", "floating-point", "-b", "32", output, "ladspa", "percepnet_ladspa.so", "percepnet_mono", "100", "1", "0", "200", "0")
            : RunIn(new Dictionary<string, string> { ["LV2_PATH"] = Path.Combine(folder, "lv2") },
                "lv2apply", "-i", input, "-o", output, "urn:percepnet:lv2:mono");
        Assert.True(result.Code == 0, result.Output);

        string tool = temporary.PathOf("tool.wav");
        Run(Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli"), "denoise", "--keep-delay", "--float", input, "-o", tool).Check("percepnet denoise");
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

    [SkippableFact]
    public void ThePipeWireRecipeMakesAVirtualMicrophoneThatDenoises()
    {
        // A private headless PipeWire with WirePlumber (tests/native/pipewire-test.sh): a devset file played into a
        // stand-in microphone comes out of "Noise-cancelled microphone (PercepNet)" as the tool denoises it.
        string folder = Ready();
        using var temporary = new TemporaryFolder();
        string input = Path.Combine(SharedData.Require(), "devset", "noisy", "dev_001.wav");
        string recorded = temporary.PathOf("recorded.wav");
        ChildProcess.Result result = Run("bash", Repository.PathOf("tests", "native", "pipewire-test.sh"), folder, input, recorded);
        Skip.If(result.Code == 77, $"PipeWire cannot run here: {result.Output.Trim()}");
        Assert.True(result.Code == 0, result.Output);

        (float[] live, int rate) = AudioFile.ReadMono(recorded);
        Assert.Equal(48000, rate);
        (float[] noisy, _) = AudioFile.ReadMono(input);
        var offline = new float[noisy.Length];
        new Denoiser().Process(noisy, offline);

        // The graph adds its own buffering: find the lag by the 10 ms energy envelopes, then to the sample.
        int lag = BestLag(live, offline);
        int length = Math.Min(offline.Length - 48000, live.Length - lag - 48000);
        Assert.True(length > 48000 * 4, $"only {length} aligned samples (lag {lag})");
        // The stream started before the file did, so its 10 ms frames fall elsewhere in the audio than the tool's:
        // that alone puts the two 16–24 dB apart (measured with the C interface: the same file after 1000 samples of
        // silence). The live output must be that close to the tool's, and much closer than the noisy input is.
        double signal = 0, error = 0, passError = 0;
        for (int i = 48000; i < length; i++)
        {
            signal += offline[i] * (double)offline[i];
            error += (live[i + lag] - offline[i]) * (double)(live[i + lag] - offline[i]);
            float passed = i >= 1919 ? noisy[i - 1919] : 0f;
            passError += (passed - offline[i]) * (double)(passed - offline[i]);
        }

        double snr = 10 * Math.Log10(signal / Math.Max(error, 1e-20));
        double passSnr = 10 * Math.Log10(signal / Math.Max(passError, 1e-20));
        Assert.True(snr > 15 && snr > passSnr + 6,
            $"the virtual microphone's output is {snr:F1} dB from the tool's (lag {lag} samples; the noisy input {passSnr:F1} dB)");
    }

    /// <summary>The delay of <paramref name="later"/> behind <paramref name="earlier"/>, in samples (0 to 2 s).</summary>
    private static int BestLag(float[] later, float[] earlier)
    {
        static double[] Envelope(float[] x)
        {
            var e = new double[x.Length / 480];
            for (int f = 0; f < e.Length; f++)
            {
                for (int i = 0; i < 480; i++)
                {
                    e[f] += x[(f * 480) + i] * (double)x[(f * 480) + i];
                }
            }

            return e;
        }

        double[] a = Envelope(later), b = Envelope(earlier);
        int bestFrames = 0;
        double best = double.NegativeInfinity;
        for (int lag = 0; lag < 200 && lag < a.Length; lag++)
        {
            double sum = 0;
            for (int f = 0; f + lag < a.Length && f < b.Length; f++)
            {
                sum += a[f + lag] * b[f];
            }

            (best, bestFrames) = sum > best ? (sum, lag) : (best, bestFrames);
        }

        int bestLag = 0;
        best = double.NegativeInfinity;
        for (int lag = Math.Max(0, (bestFrames - 2) * 480); lag <= (bestFrames + 2) * 480; lag++)
        {
            double sum = 0;
            for (int i = 48000; i < 3 * 48000 && i + lag < later.Length && i < earlier.Length; i++)
            {
                sum += later[i + lag] * (double)earlier[i];
            }

            (best, bestLag) = sum > best ? (sum, lag) : (best, bestLag);
        }

        return bestLag;
    }

    private sealed class TemporaryFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("percepnet-native-test-").FullName;

        public string PathOf(string name) => Path.Combine(_path, name);

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
