using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Audio that arrives as a stream — standard input, a FIFO, a shell's process substitution — denoised by the built
/// tool (run through bash) to the same bytes as the file it came from.
/// </summary>
public sealed class StandardInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-stdin-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Tool => Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");

    private string PathOf(string name) => Path.Combine(_root, name);

    private ChildProcess.Result Shell(string script)
    {
        var process = ChildProcess.Start("bash", ["-c", $"cd '{_root}' && {script}"], new Dictionary<string, string> { ["TOOL"] = Tool });
        Task<ChildProcess.Result> finished = Task.Run(() => ChildProcess.Finish(process));
        Assert.True(finished.Wait(TimeSpan.FromSeconds(60)), $"{script} did not end within 60 s");
        return finished.Result;
    }

    private string Input(string name, int bits = 24, int channels = 2)
    {
        float[] voice = SyntheticSignals.Voiced([new(1.2, 140, 180)], 31).Signal;
        float[] noisy = SyntheticSignals.Mix(voice, SyntheticSignals.WhiteNoise(voice.Length, 32), 12);
        File.WriteAllBytes(PathOf(name), WavFiles.Build([.. noisy.SelectMany(v => Enumerable.Repeat(v * 0.5f, channels))], 48000, channels, bits, false, false));
        return PathOf(name);
    }

    private void AssertSameBytes(string expected, string actual) =>
        Assert.True(File.ReadAllBytes(PathOf(expected)).AsSpan().SequenceEqual(File.ReadAllBytes(PathOf(actual))), $"{actual} differs from {expected}");

    [Fact]
    public void StandardInputGivesTheBytesTheFileGives()
    {
        Input("in.wav");
        Shell("\"$TOOL\" denoise in.wav -o file.wav").Check("denoising the file");
        Shell("cat in.wav | \"$TOOL\" denoise - -o piped.wav").Check("denoising standard input");
        AssertSameBytes("file.wav", "piped.wav");
        Shell("\"$TOOL\" denoise - -o redirected.wav < in.wav").Check("denoising a redirected file");
        AssertSameBytes("file.wav", "redirected.wav");
    }

    [Fact]
    public void AWavOfUnknownLengthOnAPipeIsReadToItsEnd()
    {
        Input("in.wav", bits: 16, channels: 1);
        byte[] open = File.ReadAllBytes(PathOf("in.wav"));
        BitConverter.GetBytes(uint.MaxValue).CopyTo(open, 4);  // RIFF size: to the end
        BitConverter.GetBytes(uint.MaxValue).CopyTo(open, 40); // data size: to the end
        File.WriteAllBytes(PathOf("open.wav"), open);
        Shell("\"$TOOL\" denoise in.wav -o file.wav").Check("denoising the file");
        Shell("cat open.wav | \"$TOOL\" denoise - -o piped.wav").Check("denoising standard input");
        AssertSameBytes("file.wav", "piped.wav");
    }

    [SkippableFact]
    public void CompressedStandardInputIsDecodedAsItsFileIs()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac") && ChildProcess.IsInstalled("oggenc"), "flac and oggenc are not installed (CI installs them)");
        Input("in.wav");
        Shell("flac -s -o in.flac in.wav && oggenc -Q -o in.ogg in.wav").Check("encoding");
        foreach ((string input, string output) in new[] { ("in.flac", "flac"), ("in.ogg", "wav") })
        {
            Shell($"\"$TOOL\" denoise {input} -o file.{output}").Check($"denoising {input}");
            Shell($"cat {input} | \"$TOOL\" denoise - -o piped.{output}").Check($"denoising {input} from standard input");
            AssertSameBytes($"file.{output}", $"piped.{output}");
        }
    }

    [SkippableFact]
    public void AFifoWhoseWriterComesLateAndAProcessSubstitutionLoseNothing()
    {
        Skip.IfNot(ChildProcess.IsInstalled("mkfifo"), "mkfifo is not available");
        Input("in.wav");
        Shell("\"$TOOL\" denoise in.wav -o file.wav").Check("denoising the file");
        Shell("mkfifo fifo; (sleep 2; timeout 20 cat in.wav > fifo) & \"$TOOL\" denoise fifo -o fifo.wav; status=$?; wait; exit $status").Check("denoising a FIFO");
        AssertSameBytes("file.wav", "fifo.wav");
        Shell("\"$TOOL\" denoise <(cat in.wav) -o substituted.wav").Check("denoising a process substitution");
        AssertSameBytes("file.wav", "substituted.wav");
    }

    [Fact]
    public void StandardInputIsTheOnlyInputAndNeedsAnOutputName()
    {
        Input("in.wav");
        var folder = Shell("cat in.wav | \"$TOOL\" denoise - -o out/");
        Assert.Equal(2, folder.Code);
        Assert.Contains("standard input has no name to give an output in a folder", folder.Output);
        var two = Shell("cat in.wav | \"$TOOL\" denoise - in.wav -o out/");
        Assert.Equal(2, two.Code);
        Assert.Contains("- (standard input) must be the only input", two.Output);
        var empty = Shell("\"$TOOL\" denoise - -o empty.wav < /dev/null");
        Assert.Equal(3, empty.Code);
        Assert.Contains("error: standard input: is empty", empty.Output);
        Assert.False(File.Exists(PathOf("empty.wav")));
    }
}
