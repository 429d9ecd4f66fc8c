using PercepNet.Audio;
using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Batches on a full disk (a small tmpfs, where the machine lets the tests mount one), two runs of one shard at once,
/// a log line cut short, and output names near the file system's limit: nothing half-written is left and every failure
/// is one line with the documented code.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FullDiskAndSharedShardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-disk-").FullName;
    private readonly string _model;
    private readonly List<string> _mounts = [];

    public FullDiskAndSharedShardTests()
    {
        _model = Path.Combine(_root, "pass.pnm");
        ModelFile.Write(_model, new StoredModel(TestModels.PassThroughParameters(), Quantisation.Int8, "test: pass-through"));
    }

    public void Dispose()
    {
        foreach (string mount in _mounts)
        {
            ChildProcess.Run("umount", [mount]);
        }

        Directory.Delete(_root, recursive: true);
    }

    private static string Tool => Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");

    private string PathOf(params string[] parts) => Path.Combine([_root, .. parts]);

    private void Recordings(string folder, int count, double seconds)
    {
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"take{i}.wav"),
                WavFiles.Build(SyntheticSignals.WhiteNoise((int)(48000 * seconds), i + 1, 0.1), 48000, 1, 16, false, false));
        }
    }

    /// <summary>A tmpfs of <paramref name="kilobytes"/> at a new folder, or a skipped test where none can be mounted.</summary>
    private string SmallDisk(int kilobytes)
    {
        string folder = Directory.CreateDirectory(PathOf("small")).FullName;
        bool mounted = Environment.UserName == "root"
            && ChildProcess.Run("mount", ["-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", folder]).Code == 0;
        Skip.If(!mounted, "a small tmpfs cannot be mounted here (the tests need root for that)");
        _mounts.Add(folder);
        return folder;
    }

    private static ChildProcess.Result Run(params string[] arguments) => ChildProcess.Finish(ChildProcess.Start(Tool, arguments));

    private static string[] Temporaries(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.tmp", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })];

    [SkippableFact]
    public void AFullDiskLeavesNoTemporariesAndTheRerunCleansAKilledRunsLeftoversBeforeLogging()
    {
        string disk = SmallDisk(1024);
        Recordings(PathOf("in"), 6, 3); // 6 × 288 kB of output for 1 MB
        ChildProcess.Result full = Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", Path.Combine(disk, "out"), "--model", _model, "-j", "1");
        Assert.True(full.Code == 4, full.Output);
        Assert.Contains("No space left on device", full.Output);
        Assert.Empty(Temporaries(disk));
        Assert.DoesNotContain("unexpected", full.Output);

        // What a killed run leaves: a temporary that fills the disk. The rerun deletes it before writing its log.
        foreach (string done in Directory.EnumerateFiles(Path.Combine(disk, "out"), "*.wav"))
        {
            File.Delete(done);
        }

        string stale = Path.Combine(disk, "out", $"{OutputFile.TemporaryPrefix("take0.wav")}99999.{Guid.NewGuid():N}.tmp");
        using (var filler = new FileStream(stale, FileMode.CreateNew))
        {
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    filler.Write(block);
                    filler.Flush();
                }
            }
            catch (IOException)
            {
                // Full.
            }
        }

        Recordings(PathOf("one"), 1, 1);
        ChildProcess.Result rerun = Run("denoise", PathOf("one"), "--root", PathOf("one"), "-o", Path.Combine(disk, "out"), "--model", _model);
        Assert.True(rerun.Code == 0, rerun.Output);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(Path.Combine(disk, "out", "take0.wav")));
    }

    [Fact]
    public void ASecondRunOfTheSameShardIsRefusedWhileTheFirstHoldsIt()
    {
        Recordings(PathOf("in"), 3, 0.5);
        string output = Directory.CreateDirectory(PathOf("out", ".percepnet")).Parent!.FullName;
        // The first run's lock, held by this process as a running shard holds it.
        using (new FileStream(Path.Combine(output, ".percepnet", "shard-0-of-2.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            ChildProcess.Result second = Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", output, "--model", _model, "--shard", "0/2");
            Assert.True(second.Code == 4, second.Output);
            Assert.Contains("shard 0 of 2 is being run by another process", second.Output);
            Assert.Empty(Directory.EnumerateFiles(output, "*.wav"));
            // Another shard is not held up.
            Assert.Equal(0, Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", output, "--model", _model, "--shard", "1/2").Code);
        }

        ChildProcess.Result after = Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", output, "--model", _model, "--shard", "0/2");
        Assert.True(after.Code == 0, after.Output);
    }

    [Fact]
    public void ALogLineCutShortIsEndedBeforeTheNextRunWrites()
    {
        Recordings(PathOf("in"), 2, 0.5);
        Assert.Equal(0, Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", PathOf("out"), "--model", _model).Code);
        string log = Directory.GetFiles(PathOf("out", ".percepnet"), "*.jsonl").Single();
        string text = File.ReadAllText(log);
        File.WriteAllText(log, text[..(text.Length - 20)]);
        File.Delete(PathOf("out", "take1.wav"));
        ChildProcess.Result rerun = Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", PathOf("out"), "--model", _model);
        Assert.True(rerun.Code == 0, rerun.Output);
        string[] lines = File.ReadAllLines(log);
        // The cut line stays cut; every line after it is whole JSON.
        int cut = Array.FindIndex(lines, l => !l.EndsWith('}'));
        Assert.True(cut >= 0);
        Assert.All(lines[(cut + 1)..], l => System.Text.Json.JsonDocument.Parse(l).Dispose());
        Assert.Contains(lines[(cut + 1)..], l => l.Contains("\"start\"", StringComparison.Ordinal));
    }

    [Fact]
    public void BatchStatusSkipsDamagedLinesAndEnds()
    {
        Recordings(PathOf("in"), 2, 0.5);
        Assert.Equal(0, Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", PathOf("out"), "--model", _model).Code);
        string log = Directory.GetFiles(PathOf("out", ".percepnet"), "*.jsonl").Single();
        string good = File.ReadAllLines(log).First(l => l.Contains("\"file\"", StringComparison.Ordinal));
        File.AppendAllLines(log,
        [
            "{\"event\":\"start\",\"shard\":\"0\",\"inputs\":3,\"settings\":\"x\",\"time\":\"2026-12-07T00:00:00Z\"}",
            "{\"event\":\"start\",\"shard\":\"0-of-2000000000\",\"inputs\":3,\"settings\":\"x\",\"time\":\"2026-12-07T00:00:00Z\"}",
            "{\"event\":\"start\",\"shard\":\"0-of-1\",\"inputs\":-5,\"settings\":\"x\",\"time\":\"2026-12-07T00:00:00Z\"}",
            "{\"event\":\"start\",\"shard\":\"0-of-1\",\"inputs\":3,\"settings\":\"x\",\"time\":\"yesterday\"}",
            "{\"event\":\"start\",\"shard\":null,\"inputs\":3,\"settings\":\"x\",\"time\":\"2026-12-07T00:00:00Z\"}",
            good.Replace("\"done\"", "\"maybe\"", StringComparison.Ordinal),
            good.Replace("\"finished\":\"", "\"finished\":\"x", StringComparison.Ordinal),
            "[1,2,3]",
            "{\"event\":\"file\"}",
            good[..(good.Length / 2)],
        ]);
        var status = ChildProcess.Finish(ChildProcess.Start(Tool, ["batch-status", PathOf("out")]));
        Assert.True(status.Code == 0, status.Output);
        Assert.Contains("warning: 10 damaged line(s)", status.Output);
        Assert.Contains("2 of 2 file(s) done, 0 failed, 0 not yet done (1 shard(s) started)", status.Output);
    }

    [Fact]
    public void AnOutputNameNearTheFileSystemsLimitIsWritten()
    {
        // 250 bytes: the longest name most Linux file systems take is 255.
        string name = new string('n', 246) + ".wav";
        Recordings(PathOf("in"), 1, 0.5);
        string input = PathOf("in", name);
        File.Move(PathOf("in", "take0.wav"), input);
        Directory.CreateDirectory(PathOf("out"));
        ChildProcess.Result result = Run("denoise", input, "-o", PathOf("out", name), "--model", _model);
        Assert.True(result.Code == 0, result.Output);
        Assert.True(File.Exists(PathOf("out", name)));
        Assert.Empty(Temporaries(PathOf("out")));
    }
}
