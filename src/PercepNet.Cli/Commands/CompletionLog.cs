using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PercepNet.Cli.Commands;

/// <summary>
/// What a batch has done, one JSON object per line in OUT/.percepnet/shard-K-of-N.jsonl (each shard its own file, so
/// no two processes write one): a "start" line with the shard's number of inputs, then one "file" line per input with
/// its size and modification time, the output's SHA-256, audio and wall seconds, and "done" or "failed" with the
/// error. Every line is flushed as soon as it is written, so a killed process loses at most the file it was on.
/// </summary>
internal sealed class CompletionLog : IDisposable
{
    public const string FolderName = ".percepnet";

    private readonly FileStream _stream;
    private readonly Lock _gate = new();

    private CompletionLog(FileStream stream) => _stream = stream;

    /// <summary>The log file's path.</summary>
    public string FilePath => _stream.Name;

    public sealed record Entry(string Input, string Output, long InputBytes, string InputModified, string? OutputSha256,
        double AudioSeconds, double WallSeconds, string Status, string? Error, string Settings, string Finished, string Shard);

    public sealed record Start(string Shard, int Inputs, string Settings, string Time);

    /// <summary>The log of <paramref name="shard"/> in <paramref name="outputFolder"/>.</summary>
    public static string PathOf(string outputFolder, Shard shard) => Path.Combine(outputFolder, FolderName, $"shard-{shard.Name}.jsonl");

    /// <summary>
    /// Opens (or makes) the log of <paramref name="shard"/> in <paramref name="outputFolder"/> for appending. A log whose
    /// last line was cut (a killed process, a full disk) gets its line ended first, so the next line stays whole.
    /// </summary>
    public static CompletionLog Open(string outputFolder, Shard shard)
    {
        Directory.CreateDirectory(Path.Combine(outputFolder, FolderName));
        var stream = new FileStream(PathOf(outputFolder, shard), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (stream.Length > 0)
            {
                stream.Position = stream.Length - 1;
                if (stream.ReadByte() != '\n')
                {
                    stream.WriteByte((byte)'\n');
                }
            }

            stream.Position = stream.Length;
            return new CompletionLog(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void WriteStart(Start start) => WriteLine(writer =>
    {
        writer.WriteString("event", "start");
        writer.WriteString("shard", start.Shard);
        writer.WriteNumber("inputs", start.Inputs);
        writer.WriteString("settings", start.Settings);
        writer.WriteString("time", start.Time);
    });

    public void Write(Entry entry) => WriteLine(writer =>
    {
        writer.WriteString("event", "file");
        writer.WriteString("input", entry.Input);
        writer.WriteString("output", entry.Output);
        writer.WriteNumber("input_bytes", entry.InputBytes);
        writer.WriteString("input_modified", entry.InputModified);
        writer.WriteString("output_sha256", entry.OutputSha256);
        writer.WriteNumber("audio_seconds", Math.Round(entry.AudioSeconds, 3));
        writer.WriteNumber("wall_seconds", Math.Round(entry.WallSeconds, 3));
        writer.WriteString("status", entry.Status);
        writer.WriteString("error", entry.Error);
        writer.WriteString("settings", entry.Settings);
        writer.WriteString("finished", entry.Finished);
        writer.WriteString("shard", entry.Shard);
    });

    public void Dispose() => _stream.Dispose();

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _stream.Flush();
        }
    }

    /// <summary>Every log in <paramref name="outputFolder"/>: its start lines and file lines in order (damaged lines skipped).</summary>
    public static (List<Start> Starts, List<Entry> Entries) ReadAll(string outputFolder)
    {
        var starts = new List<Start>();
        var entries = new List<Entry>();
        string folder = Path.Combine(outputFolder, FolderName);
        if (!Directory.Exists(folder))
        {
            return (starts, entries);
        }

        foreach (string path in Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (string line in File.ReadLines(path))
            {
                try
                {
                    using var document = JsonDocument.Parse(line);
                    JsonElement e = document.RootElement;
                    switch (e.GetProperty("event").GetString())
                    {
                        case "start":
                            starts.Add(new Start(e.GetProperty("shard").GetString()!, e.GetProperty("inputs").GetInt32(),
                                e.GetProperty("settings").GetString()!, e.GetProperty("time").GetString()!));
                            break;
                        case "file":
                            entries.Add(new Entry(e.GetProperty("input").GetString()!, e.GetProperty("output").GetString()!,
                                e.GetProperty("input_bytes").GetInt64(), e.GetProperty("input_modified").GetString()!,
                                e.GetProperty("output_sha256").GetString(), e.GetProperty("audio_seconds").GetDouble(),
                                e.GetProperty("wall_seconds").GetDouble(), e.GetProperty("status").GetString()!,
                                e.GetProperty("error").GetString(), e.GetProperty("settings").GetString()!,
                                e.GetProperty("finished").GetString()!, e.GetProperty("shard").GetString()!));
                            break;
                    }
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    // A line cut by a killed process, or not ours: ignored (its file is redone).
                }
            }
        }

        return (starts, entries);
    }

    /// <summary>The last entry of each input (by full path), across every log.</summary>
    public static Dictionary<string, Entry> Latest(IEnumerable<Entry> entries)
    {
        var latest = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (Entry entry in entries.OrderBy(e => e.Finished, StringComparer.Ordinal))
        {
            latest[entry.Input] = entry;
        }

        return latest;
    }

    public static string FileSha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Timestamp(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A short fingerprint of everything that changes an output (model, options, delay, format).</summary>
    public static string Fingerprint(string settings) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings)))[..16];
}
