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

        (List<CompletionLog.Start> starts, List<CompletionLog.Entry> entries) = CompletionLog.ReadAll(folder);
        Dictionary<string, CompletionLog.Entry> latest = CompletionLog.Latest(entries);
        var planned = starts.GroupBy(s => s.Shard).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Time, StringComparer.Ordinal).Last().Inputs);
        int expected = planned.Values.Sum();
        int done = latest.Values.Count(e => e.Status == "done");
        int failed = latest.Values.Count(e => e.Status == "failed");
        int notDone = Math.Max(0, expected - done - failed);
        int[] counts = [.. planned.Keys.Select(k => int.Parse(k.Split("-of-")[1], CultureInfo.InvariantCulture)).Distinct()];
        string[] absent = counts.Length == 1
            ? [.. Enumerable.Range(0, counts[0]).Select(k => $"{k}-of-{counts[0]}").Where(k => !planned.ContainsKey(k))]
            : [];
        CompletionLog.Entry[] finished = [.. latest.Values.Where(e => e.Status == "done")];
        double audio = finished.Sum(e => e.AudioSeconds);
        double busy = entries.Sum(e => e.WallSeconds);
        // Throughput of the latest run of each shard: from the earliest of their starts to the last file logged.
        DateTime first = starts.Count > 0 ? starts.GroupBy(s => s.Shard).Min(g => g.Max(s => Parse(s.Time))) : DateTime.MinValue;
        CompletionLog.Entry[] recent = [.. entries.Where(e => Parse(e.Finished) >= first)];
        DateTime last = recent.Length > 0 ? recent.Max(e => Parse(e.Finished)) : first;
        double span = Math.Max((last - first).TotalSeconds, 1e-9);
        int recentDone = recent.Count(e => e.Status == "done");

        if (asJson)
        {
            using var writer = new Utf8JsonWriter(Console.OpenStandardOutput());
            writer.WriteStartObject();
            writer.WriteNumber("inputs", expected);
            writer.WriteNumber("done", done);
            writer.WriteNumber("failed", failed);
            writer.WriteNumber("not_done", notDone);
            writer.WriteNumber("shards_started", planned.Count);
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
                $"{done} of {expected} file(s) done, {failed} failed, {notDone} not yet done ({planned.Count} shard(s) started)"));
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

    private static DateTime Parse(string time) =>
        DateTime.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
