using System.Buffers.Binary;
using System.Diagnostics;
using PercepNet.Audio;
using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Bad input and interruptions, as a new user meets them: every failure is one line on stderr naming the file, the
/// rest of a batch goes on, the exit code says what happened, and nothing half-written is left behind.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class RobustnessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-robust-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf(string name) => Path.Combine(_root, name);

    private string Good(string name, int seconds = 1)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, WavFiles.Build(SyntheticSignals.WhiteNoise(48000 * seconds, name.Length, 0.1), 48000, 1, 16, false, false));
        return path;
    }

    /// <summary>A 16-bit WAV whose header is patched: channels, rate (block align and byte rate follow the channels).</summary>
    private string Claiming(string name, int channels, uint rate)
    {
        byte[] bytes = WavFiles.Build(new float[4800], 48000, 1, 16, false, false);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), rate);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32), (ushort)(2 * channels));
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private void AssertNoTemporaryFiles() =>
        Assert.Empty(Directory.EnumerateFiles(_root, "*.tmp", SearchOption.AllDirectories));

    [Theory]
    [InlineData(100, 48000u, "100 channels")]
    [InlineData(2000, 48000u, "2000 channels")]
    [InlineData(1, 500_000u, "500000 Hz")]
    [InlineData(1, 1_000_000_000u, "1000000000 Hz")]
    public void AHeaderClaimingTooMuchIsNamedAndTheBatchGoesOn(int channels, uint rate, string said)
    {
        string[] good = [Good("a.wav"), Good("b.wav"), Good("c.wav")];
        string bad = Claiming("bad.wav", channels, rate);
        var result = CliRunner.Run(["denoise", .. good, bad, "-o", PathOf("out"), "-j", "2"]);
        Assert.Equal(3, result.Code);
        string[] errors = Lines(result.Error);
        Assert.Single(errors);
        Assert.StartsWith($"error: {bad}: ", errors[0], StringComparison.Ordinal);
        Assert.Contains(said, errors[0], StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(PathOf("out")).Length);
        Assert.EndsWith("3 of 4 file(s) denoised, 1 failed", Lines(result.Out)[^1], StringComparison.Ordinal);
        AssertNoTemporaryFiles();
    }

    [Theory]
    [InlineData(1001, 478)] // inside a sample: the whole frames before it
    [InlineData(1000, 478)] // between samples: still short of what the header promises
    public void ATruncatedWavIsDenoisedAsFarAsItGoesWithOneWarning(int keep, int frames)
    {
        // The rule for every format: a recording cut off keeps what it holds, and says so (as sox does).
        string whole = Good("whole.wav");
        string cut = PathOf("cut.wav");
        File.WriteAllBytes(cut, File.ReadAllBytes(whole)[..keep]);
        var result = CliRunner.Run("denoise", cut, whole, "-o", PathOf("out"));
        Assert.True(result.Code == 0, result.Error);
        string warning = Assert.Single(Lines(result.Error));
        Assert.Equal($"warning: {cut}: truncated WAV file: the header promises 1.00 s of audio, the file holds 0.01 s; what it holds was denoised", warning);
        using (IAudioReader reader = AudioFile.OpenRead(Path.Combine(PathOf("out"), "cut.wav")))
        {
            Assert.Equal(frames, reader.LengthFrames);
        }

        Assert.True(File.Exists(Path.Combine(PathOf("out"), "whole.wav")));
        AssertNoTemporaryFiles();
    }

    [Theory]
    [InlineData(40)] // inside the header
    [InlineData(45)] // the header and half a sample: no whole frame to keep
    public void AWavCutBeforeItsFirstFrameIsRefusedByName(int keep)
    {
        string whole = Good("whole.wav");
        string cut = PathOf("cut.wav");
        File.WriteAllBytes(cut, File.ReadAllBytes(whole)[..keep]);
        var result = CliRunner.Run("denoise", cut, whole, "-o", PathOf("out"));
        Assert.Equal(3, result.Code);
        string error = Assert.Single(Lines(result.Error));
        Assert.StartsWith($"error: {cut}: truncated", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(PathOf("out"), "cut.wav")));
        AssertNoTemporaryFiles();
    }

    [Fact]
    public void AnOddLengthDataChunkIsReadUpToItsLastWholeFrame()
    {
        // 1000 16-bit samples plus one stray byte, then the pad byte RIFF asks for, then another chunk.
        byte[] wav = WavFiles.Build(SyntheticSignals.WhiteNoise(1000, 3, 0.1), 48000, 1, 16, false, false);
        byte[] odd = [.. wav, 0x55, 0x00, .. "LIST"u8, 4, 0, 0, 0, .. "INFO"u8];
        BinaryPrimitives.WriteUInt32LittleEndian(odd.AsSpan(40), 2001);
        BinaryPrimitives.WriteUInt32LittleEndian(odd.AsSpan(4), (uint)(odd.Length - 8));
        string path = PathOf("odd.wav");
        File.WriteAllBytes(path, odd);
        using IAudioReader reader = AudioFile.OpenRead(path);
        Assert.Equal(1000, reader.LengthFrames);
        var samples = new float[4000];
        Assert.Equal(1000, reader.Read(samples));
        Assert.Equal(0, reader.Read(samples));
        var result = CliRunner.Run("denoise", path, "-o", PathOf("odd-out.wav"));
        Assert.True(result.Code == 0, result.Error);
    }

    [Fact]
    public void AMissingInputIsOneLine()
    {
        string missing = PathOf("missing.wav");
        var result = CliRunner.Run("denoise", missing, "-o", PathOf("out.wav"));
        Assert.Equal(3, result.Code);
        Assert.Equal([$"error: {missing}: no such file or folder"], Lines(result.Error));
    }

    [Fact]
    public void AFailedRunSaysSoInItsLastLine()
    {
        string empty = PathOf("empty.wav");
        File.WriteAllBytes(empty, []);
        var result = CliRunner.Run("denoise", empty, "-o", PathOf("out.wav"));
        Assert.Equal(3, result.Code);
        Assert.Equal("0 of 1 file(s) denoised, 1 failed", Lines(result.Out)[^1]);
        Assert.DoesNotContain("real time", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out.mp3", "percepnet writes WAV or FLAC")]
    [InlineData("out.opus", "percepnet writes WAV or FLAC")]
    [InlineData("out.txt", "must end in .wav or .flac")]
    public void AnOutputTheToolCannotWriteIsRefused(string output, string said)
    {
        var result = CliRunner.Run("denoise", Good("in.wav"), "-o", PathOf(output));
        Assert.Equal(2, result.Code);
        Assert.Contains(said, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf(output)));
    }

    [Fact]
    public void SeveralInputsNeedAFolder()
    {
        var result = CliRunner.Run("denoise", Good("a.wav"), Good("b.wav"), "-o", PathOf("x.wav"));
        Assert.Equal(2, result.Code);
        Assert.Contains("several inputs need an output folder", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("x.wav")));
    }

    [SkippableFact]
    public void AnOutputThatCannotBeWrittenIsNamedAsSuch()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Directory.Exists("/proc/self"), "needs /proc, a folder no one can write to");
        string input = Good("in.wav");
        var result = CliRunner.Run("denoise", input, "-o", "/proc/self/out.wav");
        Assert.Equal(4, result.Code);
        string error = Assert.Single(Lines(result.Error));
        Assert.StartsWith("error: /proc/self/out.wav: cannot be written", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATerminalProgressIsOneFinalLine()
    {
        var result = CliRunner.Run("denoise", Good("a.wav"), Good("b.wav"), "-o", PathOf("out"));
        Assert.Equal(0, result.Code);
        Assert.Equal("", result.Error);
        string line = Assert.Single(Lines(result.Out));
        Assert.StartsWith("2 of 2 file(s) denoised", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderIsNotAModelFile()
    {
        var result = CliRunner.Run("model", "info", _root);
        Assert.Equal(3, result.Code);
        Assert.Equal([$"error: {_root}: is a folder, not a model file"], Lines(result.Error));
    }

    [Fact]
    public void EvalFailsWhenItScoredNothing()
    {
        Directory.CreateDirectory(PathOf("clean"));
        Directory.CreateDirectory(PathOf("degraded"));
        File.WriteAllBytes(Path.Combine(PathOf("degraded"), "x.wav"), [1, 2, 3]);
        var result = CliRunner.Run("eval", "--reference", PathOf("clean"), "--degraded", PathOf("degraded"), "--no-dnsmos");
        Assert.NotEqual(0, result.Code);
    }

    [Theory]
    [InlineData(16000, 2 * 16000)]
    [InlineData(44100, 2 * 44100)]
    [InlineData(48000, 2 * 48000)]
    [InlineData(48000, 0)]
    public void AStreamKeepsEverySampleAndAddsTheLatencyTail(int rate, int frames)
    {
        var input = new MemoryStream(new byte[frames * 2]);
        var output = new MemoryStream();
        int ignored = AudioDenoising.DenoiseStream(input, output, rate, 1);
        Assert.Equal(0, ignored);
        int latency = new StreamDenoiser(rate, 1).Latency;
        Assert.Equal(frames == 0 ? 0 : (frames + latency) * 2, output.Length);
        if (rate == 48000)
        {
            Assert.Equal(1919, latency);
        }
    }

    [Fact]
    public void AStreamSaysWhenItIgnoresATrailingPartialFrame()
    {
        var output = new MemoryStream();
        Assert.Equal(3, AudioDenoising.DenoiseStream(new MemoryStream(new byte[4800 + 3]), output, 48000, 2));
        Assert.Equal((1200 + 1919) * 4, output.Length);
    }

    /// <summary>Runs the real executable through bash (signals, pipes, closed descriptors).</summary>
    private static (int Code, byte[] Out, string Error) Shell(string script, Action<Process>? whileRunning = null)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PERCEPNET"] = Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");
        using Process process = Process.Start(start)!;
        var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        whileRunning?.Invoke(process);
        Assert.True(process.WaitForExit(120_000), "the command did not finish");
        copy.Wait();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    [SkippableTheory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    public void ASignalRemovesEveryUnfinishedOutput(string signal, int code)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "POSIX signals");
        string input = Good("long.wav", seconds: 120);
        string outDir = PathOf("out");
        Directory.CreateDirectory(outDir);
        // A process started in the background by a non-interactive shell inherits SIGINT ignored, and one under nohup
        // SIGHUP, and keeps them so (as Unix programs should: the tool then finishes its work); perl restores the
        // defaults first, as an interactive terminal would have them.
        var result = Shell($"exec perl -e '$SIG{{INT}}=\"DEFAULT\"; $SIG{{HUP}}=\"DEFAULT\"; $SIG{{TERM}}=\"DEFAULT\"; exec @ARGV' -- \"$PERCEPNET\" denoise '{input}' -o '{outDir}/' -j 1", process =>
        {
            var clock = Stopwatch.StartNew();
            while (!Directory.EnumerateFiles(outDir, "*.tmp").Any() && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                Thread.Sleep(20);
            }

            Assert.NotEmpty(Directory.EnumerateFiles(outDir, "*.tmp"));
            Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        });
        Assert.True(result.Code == code, $"exit {result.Code}, expected {code}; standard error:\n{result.Error}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
        Assert.Contains("unfinished output(s) removed", result.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void CtrlCUnderTheProgressBarGivesTheTerminalItsCursorBack()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/script") && File.Exists("/usr/bin/timeout"), "needs script(1) for a terminal");
        string input = Good("long.wav", seconds: 300);
        string tool = Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");
        // script(1) gives the tool a terminal, so that the progress bar (which hides the cursor) is drawn; timeout sends
        // SIGINT as Ctrl-C would, well before the 300 s of audio are done.
        ChildProcess.Result result = ChildProcess.Run("script", ["-qfec", $"timeout -s INT 1.5 '{tool}' denoise '{input}' -o '{PathOf("out")}/'", "/dev/null"]);
        Assert.Contains("interrupted: stopped", result.Output, StringComparison.Ordinal);
        int hidden = result.Output.LastIndexOf("\u001b[?25l", StringComparison.Ordinal);
        Assert.True(hidden >= 0, "the progress bar was not drawn");
        Assert.True(result.Output.IndexOf("\u001b[?25h", hidden, StringComparison.Ordinal) > hidden, "the cursor stayed hidden");
    }

    [Fact]
    public void DashWritesTheWavToStandardOutput()
    {
        string input = Good("in.wav");
        var piped = Shell($"\"$PERCEPNET\" denoise '{input}' -o -");
        Assert.True(piped.Code == 0, piped.Error);
        Assert.False(File.Exists("-"));
        var file = CliRunner.Run("denoise", input, "-o", PathOf("file.wav"));
        Assert.Equal(0, file.Code);
        Assert.Equal(File.ReadAllBytes(PathOf("file.wav")), piped.Out);
    }

    [Fact]
    public void AClosedStandardOutputIsNamedInStream()
    {
        var result = Shell("head -c 19200 /dev/zero | \"$PERCEPNET\" stream >&-");
        Assert.Equal(4, result.Code);
        Assert.Contains("standard output cannot be written", result.Error, StringComparison.Ordinal);
        Assert.Single(Lines(result.Error));
    }

    [Fact]
    public void StreamWarnsAboutATrailingPartialFrameAndWritesNothingForNothing()
    {
        var odd = Shell("head -c 9601 /dev/zero | \"$PERCEPNET\" stream");
        Assert.Equal(0, odd.Code);
        Assert.Equal((4800 + 1919) * 2, odd.Out.Length);
        Assert.Contains("1 byte(s) were ignored", odd.Error, StringComparison.Ordinal);
        var empty = Shell("\"$PERCEPNET\" stream < /dev/null");
        Assert.Equal(0, empty.Code);
        Assert.Empty(empty.Out);
    }
}
