using System.Diagnostics;
using System.Text.Json;
using PercepNet.Audio;
using PercepNet.Cli.Commands;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Batches across processes, as a Kubernetes Indexed Job or a Slurm array runs them: shards by a stable hash,
/// completion logs, a shard killed in the middle of a file and run again, and reruns that do nothing.
/// </summary>
public sealed class BatchTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-batch-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Tool => Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");

    private static Process Start(params string[] arguments) => ChildProcess.Start(Tool, arguments);

    private static (int Code, string Output) Finish(Process process)
    {
        ChildProcess.Result result = ChildProcess.Finish(process);
        return (result.Code, result.Output);
    }

    /// <summary>200 short files in nested folders, and one long one that sorts last (so its shard has done others first).</summary>
    private string MakeInputs()
    {
        string inputs = Path.Combine(_root, "in");
        (float[] clip, int rate) = AudioFile.ReadMono(Repository.PathOf("examples", "noisy.wav"));
        for (int i = 0; i < 200; i++)
        {
            string folder = Path.Combine(inputs, $"speaker{i % 5}", $"session{i % 3}");
            Directory.CreateDirectory(folder);
            int start = i * 997 % (clip.Length - 9600);
            WavWriter.WriteMono(Path.Combine(folder, $"utterance{i:000}.wav"), clip.AsSpan(start, 9600), rate);
        }

        float[] longer = [.. Enumerable.Range(0, 4).SelectMany(_ => clip)];
        WavWriter.WriteMono(Path.Combine(inputs, "zlong.wav"), longer, rate);
        return inputs;
    }

    private static Dictionary<string, int> DoneCounts(string output)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string log in Directory.EnumerateFiles(Path.Combine(output, ".percepnet"), "*.jsonl"))
        {
            foreach (string line in File.ReadLines(log))
            {
                using var document = JsonDocument.Parse(line);
                JsonElement e = document.RootElement;
                if (e.GetProperty("event").GetString() == "file" && e.GetProperty("status").GetString() == "done")
                {
                    string input = e.GetProperty("input").GetString()!;
                    counts[input] = counts.GetValueOrDefault(input) + 1;
                }
            }
        }

        return counts;
    }

    private static string[] OutputFiles(string output) =>
        [.. Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/.percepnet/", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(output, p)).Order(StringComparer.Ordinal)];

    [Fact]
    public void FourShardsWithOneKilledAndRerunProcessEveryInputExactlyOnce()
    {
        string inputs = MakeInputs();
        string single = Path.Combine(_root, "single");
        string sharded = Path.Combine(_root, "sharded");
        (int code, string text) = Finish(Start("denoise", inputs, "--root", inputs, "-o", single, "-j", "1"));
        Assert.True(code == 0, text);

        // The shard that owns the long file is killed while it writes that file.
        int victim = Enumerable.Range(0, 4).Single(k => new Shard(k, 4, "--shard").Owns("zlong.wav"));
        Process[] shards = [.. Enumerable.Range(0, 4).Select(k => Start("denoise", inputs, "--root", inputs, "-o", sharded, "--shard", $"{k}/4", "-j", "1"))];
        var clock = Stopwatch.StartNew();
        while (!Directory.Exists(sharded) || !Directory.EnumerateFiles(sharded, ".zlong.wav.*.tmp").Any())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2) && !shards[victim].HasExited, "the long file was never started");
            Thread.Sleep(5);
        }

        shards[victim].Kill(); // SIGKILL: no handler runs
        shards[victim].WaitForExit();
        for (int k = 0; k < 4; k++)
        {
            if (k != victim)
            {
                (code, text) = Finish(shards[k]);
                Assert.True(code == 0, text);
            }
        }

        Assert.False(File.Exists(Path.Combine(sharded, "zlong.wav")));
        Assert.NotEmpty(Directory.EnumerateFiles(sharded, ".zlong.wav.*.tmp")); // what the kill left

        (code, text) = Finish(Start("denoise", inputs, "--root", inputs, "-o", sharded, "--shard", $"{victim}/4", "-j", "1"));
        Assert.True(code == 0, text);
        Assert.Contains("done before, skipped", text, StringComparison.Ordinal);

        // Every input done exactly once across the logs, nothing partial left, every output as the single run's.
        Dictionary<string, int> done = DoneCounts(sharded);
        Assert.Equal(201, done.Count);
        Assert.All(done.Values, n => Assert.Equal(1, n));
        Assert.Equal(OutputFiles(single), OutputFiles(sharded));
        Assert.DoesNotContain(OutputFiles(sharded), p => p.EndsWith(".tmp", StringComparison.Ordinal));
        foreach (string file in OutputFiles(single))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(single, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(sharded, file))), file);
        }

        // A further run of every shard denoises nothing and logs no file.
        int lines = Directory.EnumerateFiles(Path.Combine(sharded, ".percepnet")).Sum(l => File.ReadLines(l).Count(x => x.Contains("\"event\":\"file\"", StringComparison.Ordinal)));
        for (int k = 0; k < 4; k++)
        {
            (code, text) = Finish(Start("denoise", inputs, "--root", inputs, "-o", sharded, "--shard", $"{k}/4"));
            Assert.True(code == 0, text);
            Assert.Contains("nothing to do", text, StringComparison.Ordinal);
        }

        Assert.Equal(lines, Directory.EnumerateFiles(Path.Combine(sharded, ".percepnet")).Sum(l => File.ReadLines(l).Count(x => x.Contains("\"event\":\"file\"", StringComparison.Ordinal))));
        (code, text) = Finish(Start("batch-status", sharded, "--json"));
        Assert.True(code == 0, text);
        Assert.Contains("\"inputs\":201,\"done\":201,\"failed\":0,\"not_done\":0,\"shards_started\":4", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardsAreStableAndSplitEveryKeyOnce()
    {
        string[] keys = [.. Enumerable.Range(0, 1000).Select(i => $"speaker{i % 7}/utterance{i}.wav")];
        foreach (int n in new[] { 1, 2, 3, 8 })
        {
            Assert.All(keys, key => Assert.Single(Enumerable.Range(0, n), k => new Shard(k, n, "").Owns(key)));
            int[] sizes = [.. Enumerable.Range(0, n).Select(k => keys.Count(key => new Shard(k, n, "").Owns(key)))];
            Assert.All(sizes, size => Assert.InRange(size, 1000 / n * 0.8, 1000 / n * 1.2));
        }

        // FNV-1a 64 of "a": its published value, so the split is the same on every machine and .NET version.
        Assert.Equal(0xaf63dc4c8601ec8cUL, Shard.Fnv1a("a"));
    }

    [Theory]
    [InlineData(null, null, "JOB_COMPLETION_INDEX", "2", 4, 2, 4)]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID", "3", null, 2, 3)] // array 1-3: TASK_MIN 1, COUNT 3
    [InlineData("1/3", null, "JOB_COMPLETION_INDEX", "0", null, 1, 3)] // --shard wins
    public void TheShardComesFromTheOptionOrTheScheduler(string? option, string? unused, string variable, string value, int? shards, int index, int count)
    {
        _ = unused;
        var environment = new Dictionary<string, string> { [variable] = value, ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "3" };
        Shard shard = Shard.Resolve(option, shards, name => environment.GetValueOrDefault(name))!;
        Assert.Equal((index, count), (shard.Index, shard.Count));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("x/2")]
    [InlineData("1")]
    public void ABadShardIsAUsageError(string shard)
    {
        (int code, string text) = Finish(Start("denoise", Repository.PathOf("examples", "noisy.wav"), "-o", Path.Combine(_root, "out"), "--shard", shard));
        Assert.Equal(2, code);
        Assert.Contains("--shard", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIndexedJobWithoutItsCountIsAUsageError()
    {
        (int code, string text) = Finish(ChildProcess.Start(Tool, ["denoise", Repository.PathOf("examples", "noisy.wav"), "-o", Path.Combine(_root, "out")],
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1" }));
        Assert.Equal(2, code);
        Assert.Contains("--shards N", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInputListWithARootMirrorsTheTreeAndRedoesChangedInputs()
    {
        string inputs = MakeInputs();
        string list = Path.Combine(_root, "list.txt");
        File.WriteAllLines(list, ["# three files", "speaker1/session1/utterance001.wav", "", "speaker2/session2/utterance002.wav", Path.Combine(inputs, "zlong.wav")]);
        string output = Path.Combine(_root, "out");
        (int code, string text) = Finish(Start("denoise", "--input-list", list, "--root", inputs, "-o", output));
        Assert.True(code == 0, text);
        Assert.Equal(["speaker1/session1/utterance001.wav", "speaker2/session2/utterance002.wav", "zlong.wav"], OutputFiles(output));

        // A changed input is redone; so is an output that no longer has the logged hash; the rest is skipped.
        File.SetLastWriteTimeUtc(Path.Combine(inputs, "zlong.wav"), DateTime.UtcNow.AddMinutes(1));
        File.WriteAllBytes(Path.Combine(output, "speaker1/session1/utterance001.wav"), [1, 2, 3]);
        (code, text) = Finish(Start("denoise", "--input-list", list, "--root", inputs, "-o", output));
        Assert.True(code == 0, text);
        Assert.Contains("2 of 2 file(s) denoised", text, StringComparison.Ordinal);
        Assert.Contains("1 more done before, skipped", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSlurmArrayScriptRunsEachTaskAsOneShard()
    {
        // deploy/slurm/denoise-array.sbatch as Slurm would run an array numbered 1-3: three tasks, one shard each.
        string inputs = MakeInputs();
        string output = Path.Combine(_root, "cleaned");
        (int Code, string Text) Task(int id, int min, int count) =>
            Finish(ChildProcess.Start("bash", [Repository.PathOf("deploy", "slurm", "denoise-array.sbatch"), inputs, output],
                new Dictionary<string, string>
                {
                    ["PERCEPNET"] = Tool,
                    ["PERCEPNET_SHARDS"] = "3",
                    ["PERCEPNET_FIRST_TASK"] = "1",
                    ["SLURM_ARRAY_TASK_ID"] = $"{id}",
                    ["SLURM_ARRAY_TASK_MIN"] = $"{min}",
                    ["SLURM_ARRAY_TASK_COUNT"] = $"{count}",
                    ["SLURM_CPUS_PER_TASK"] = "1",
                }));

        // Task 2 alone first, as a rerun of one task (sbatch --array=2) would be: Slurm says one task, from 2, and the
        // script keeps the task's place, shard 1 of 3, instead of taking the whole corpus as shard 0 of 1.
        (int alone, string aloneText) = Task(2, 2, 1);
        Assert.True(alone == 0, aloneText);
        Assert.Contains("shard 1 of 3: ", aloneText, StringComparison.Ordinal);
        int doneAlone = DoneCounts(output).Count;
        Assert.InRange(doneAlone, 30, 110);

        for (int task = 1; task <= 3; task++)
        {
            (int code, string text) = Task(task, 1, 3);
            Assert.True(code == 0, text);
            Assert.Contains($"shard {task - 1} of 3: ", text, StringComparison.Ordinal);
        }

        Assert.Equal(201, DoneCounts(output).Count);
        (int statusCode, string status) = Finish(Start("batch-status", output));
        Assert.True(statusCode == 0, status);
        Assert.Contains("201 of 201 file(s) done, 0 failed, 0 not yet done (3 shard(s) started)", status, StringComparison.Ordinal);
    }
}
