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

    /// <summary>
    /// Every log in <paramref name="outputFolder"/>: its start lines and file lines in order. Damaged lines (cut by a
    /// killed process, or not ours) are skipped and counted in <c>Damaged</c>.
    /// </summary>
    public static (List<Start> Starts, List<Entry> Entries) ReadAll(string outputFolder) => ReadAll(outputFolder, out _);

    /// <inheritdoc cref="ReadAll(string)"/>
    public static (List<Start> Starts, List<Entry> Entries) ReadAll(string outputFolder, out int damaged)
    {
        var starts = new List<Start>();
        var entries = new List<Entry>();
        damaged = 0;
        string folder = Path.Combine(outputFolder, FolderName);
        if (!Directory.Exists(folder))
        {
            return (starts, entries);
        }

        foreach (string path in Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(path);
            damaged += Read(reader, starts, entries);
        }

        return (starts, entries);
    }

    /// <summary>
    /// Parses one log's lines into <paramref name="starts"/> and <paramref name="entries"/>; returns how many lines were
    /// damaged. A line counts only when every field is present with a sane value: a shard named K-of-N with K &lt; N ≤
    /// 1,000,000, counts and seconds that are finite and not negative, times that parse, a known status. So whatever a
    /// log holds, what is read from it can be summed and compared without failing.
    /// </summary>
    public static int Read(TextReader reader, List<Start> starts, List<Entry> entries)
    {
        int damaged = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                JsonElement e = document.RootElement;
                switch (e.GetProperty("event").GetString())
                {
                    case "start":
                        var start = new Start(Text(e, "shard"), e.GetProperty("inputs").GetInt32(), Text(e, "settings"), Text(e, "time"));
                        if (ShardOf(start.Shard) is null || start.Inputs < 0 || TimeOf(start.Time) is null)
                        {
                            throw new FormatException("not a start line");
                        }

                        starts.Add(start);
                        break;
                    case "file":
                        var entry = new Entry(Text(e, "input"), Text(e, "output"),
                            e.GetProperty("input_bytes").GetInt64(), Text(e, "input_modified"),
                            e.GetProperty("output_sha256").GetString(), e.GetProperty("audio_seconds").GetDouble(),
                            e.GetProperty("wall_seconds").GetDouble(), Text(e, "status"),
                            e.GetProperty("error").GetString(), Text(e, "settings"),
                            Text(e, "finished"), Text(e, "shard"));
                        if (entry.Status is not ("done" or "failed") || entry.InputBytes < 0 || !Sane(entry.AudioSeconds)
                            || !Sane(entry.WallSeconds) || TimeOf(entry.Finished) is null || ShardOf(entry.Shard) is null)
                        {
                            throw new FormatException("not a file line");
                        }

                        entries.Add(entry);
                        break;
                    default:
                        throw new FormatException("unknown event");
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                // A line cut by a killed process, or not ours: skipped (its file is redone).
                damaged++;
            }
        }

        return damaged;
    }

    /// <summary>(K, N) of a shard named "K-of-N", or null when the name is not one.</summary>
    public static (int Index, int Count)? ShardOf(string name)
    {
        string[] parts = name.Split("-of-");
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count is >= 1 and <= 1_000_000 && index < count
            ? (index, count)
            : null;
    }

    /// <summary>A logged time in UTC, or null when it does not parse.</summary>
    public static DateTime? TimeOf(string time) =>
        DateTime.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime parsed)
            ? parsed
            : null;

    private static bool Sane(double seconds) => double.IsFinite(seconds) && seconds >= 0;

    private static string Text(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null");

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
