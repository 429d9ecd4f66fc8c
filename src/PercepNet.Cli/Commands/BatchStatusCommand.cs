using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace PercepNet.Cli.Commands;

/// <summary>
/// <c>percepnet batch-status OUT</c>: merges the completion logs of every shard in an output folder — files done,
/// failed and not yet done, shards that have not started, and throughput.
/// </summary>
internal static class BatchStatusCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("output") { Description = "The output folder of a batch (the -o of its denoise runs)." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object instead of text." };
        var failures = new Option<bool>("--failures") { Description = "Also list every file whose last attempt failed, with its error." };
        var command = new Command("batch-status", "Show how far a batch run into an output folder has got, across all its shards.")
        {
            folder, json, failures,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(folder)!, parse.GetValue(json), parse.GetValue(failures))));
        return command;
    }

    private static int Run(string folder, bool asJson, bool listFailures)
    {
        if (!Directory.Exists(Path.Combine(folder, CompletionLog.FolderName)))
        {
            throw new UsageException($"{folder}: no completion logs (a batch writes them in {CompletionLog.FolderName}/ of its output folder)");
        }

        (List<CompletionLog.Start> starts, List<CompletionLog.Entry> entries) = CompletionLog.ReadAll(folder, out int damaged);
        if (damaged > 0)
        {
            Console.Error.WriteLine($"warning: {damaged} damaged line(s) in the logs of {folder} skipped (their files count as not yet done)");
        }

        BatchSummary summary = BatchSummary.Of(starts, entries);
        (int expected, int done, int failed, int notDone, string[] absent, double audio, double busy, int recentDone, double span) = summary;
        int started = summary.ShardsStarted;
        Dictionary<string, CompletionLog.Entry> latest = summary.Latest;

        if (asJson)
        {
            using var writer = new Utf8JsonWriter(Console.OpenStandardOutput());
            writer.WriteStartObject();
            writer.WriteNumber("inputs", expected);
            writer.WriteNumber("done", done);
            writer.WriteNumber("failed", failed);
            writer.WriteNumber("not_done", notDone);
            writer.WriteNumber("shards_started", started);
            writer.WriteStartArray("shards_not_started");
            foreach (string shard in absent)
            {
                writer.WriteStringValue(shard);
            }

            writer.WriteEndArray();
            writer.WriteNumber("audio_seconds", Math.Round(audio, 3));
            writer.WriteNumber("busy_seconds", Math.Round(busy, 3));
            writer.WriteNumber("files_per_second", Math.Round(recentDone / span, 3));
            writer.WriteEndObject();
            writer.Flush();
            Console.WriteLine();
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{done} of {expected} file(s) done, {failed} failed, {notDone} not yet done ({started} shard(s) started)"));
            if (absent.Length > 0)
            {
                Console.WriteLine($"shards not started: {string.Join(", ", absent)}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{audio:F1} s of audio in {busy:F1} s of denoising ({audio / Math.Max(busy, 1e-9):F0}× real time per process); {recentDone / span:F2} files/s in the latest runs"));
        }

        if (listFailures)
        {
            foreach (CompletionLog.Entry entry in latest.Values.Where(e => e.Status == "failed").OrderBy(e => e.Input, StringComparer.Ordinal))
            {
                Console.Error.WriteLine($"failed: {entry.Error}");
            }
        }

        return failed > 0 ? CommandRunner.InputError : 0;
    }

}

/// <summary>
/// What a batch's logs add up to: inputs planned by the latest start of each shard, the last outcome of each input,
/// shards of the (single) count not started, audio and busy seconds, and the files done since the latest starts.
/// </summary>
internal sealed record BatchSummary(int Inputs, int Done, int Failed, int NotDone, string[] ShardsNotStarted, double AudioSeconds,
    double BusySeconds, int RecentDone, double RecentSpanSeconds)
{
    /// <summary>How many shards have logged a start.</summary>
    public int ShardsStarted { get; private init; }

    /// <summary>The last entry of each input.</summary>
    public Dictionary<string, CompletionLog.Entry> Latest { get; private init; } = [];

    /// <summary>The summary of lines as <see cref="CompletionLog.Read"/> accepts them (every shard name and time valid).</summary>
    public static BatchSummary Of(List<CompletionLog.Start> starts, List<CompletionLog.Entry> entries)
    {
        Dictionary<string, CompletionLog.Entry> latest = CompletionLog.Latest(entries);
        var planned = starts.GroupBy(s => s.Shard).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Time, StringComparer.Ordinal).Last().Inputs);
        long expected = planned.Values.Sum(v => (long)v);
        int done = latest.Values.Count(e => e.Status == "done");
        int failed = latest.Values.Count(e => e.Status == "failed");
        int notDone = (int)Math.Clamp(expected - done - failed, 0, int.MaxValue);
        int[] counts = [.. planned.Keys.Select(k => CompletionLog.ShardOf(k)!.Value.Count).Distinct()];
        string[] absent = counts.Length == 1
            ? [.. Enumerable.Range(0, counts[0]).Select(k => $"{k}-of-{counts[0]}").Where(k => !planned.ContainsKey(k))]
            : [];
        double audio = latest.Values.Where(e => e.Status == "done").Sum(e => e.AudioSeconds);
        double busy = entries.Sum(e => e.WallSeconds);
        // Throughput of the latest run of each shard: from the earliest of their starts to the last file logged.
        DateTime first = starts.Count > 0 ? starts.GroupBy(s => s.Shard).Min(g => g.Max(s => Time(s.Time))) : DateTime.MinValue;
        CompletionLog.Entry[] recent = [.. entries.Where(e => Time(e.Finished) >= first)];
        DateTime last = recent.Length > 0 ? recent.Max(e => Time(e.Finished)) : first;
        double span = Math.Max((last - first).TotalSeconds, 1e-9);
        return new BatchSummary((int)Math.Min(expected, int.MaxValue), done, failed, notDone, absent, audio, busy, recent.Count(e => e.Status == "done"), span)
        {
            ShardsStarted = planned.Count,
            Latest = latest,
        };
    }

    private static DateTime Time(string time) => CompletionLog.TimeOf(time) ?? DateTime.MinValue;
}
