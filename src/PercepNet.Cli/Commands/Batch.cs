using System.Globalization;

namespace PercepNet.Cli.Commands;

/// <summary>
/// One shard's run of a batch: which inputs an earlier run finished (the log says done with these settings, the input
/// has the logged size and time, and the output still has the logged SHA-256), and the log lines of this run.
/// </summary>
internal sealed class Batch : IDisposable
{
    private readonly CompletionLog _log;
    private readonly Dictionary<string, CompletionLog.Entry> _earlier;
    private readonly string _settings;
    private readonly Shard _shard;

    private Batch(CompletionLog log, Dictionary<string, CompletionLog.Entry> earlier, string settings, Shard shard)
    {
        _log = log;
        _earlier = earlier;
        _settings = settings;
        _shard = shard;
    }

    public static Batch Begin(string outputFolder, string settingsText, Shard shard, int inputs)
    {
        Directory.CreateDirectory(outputFolder);
        string settings = CompletionLog.Fingerprint(settingsText);
        var earlier = CompletionLog.Latest(CompletionLog.ReadAll(outputFolder).Entries);
        CompletionLog log = CompletionLog.Open(outputFolder, shard);
        log.WriteStart(new CompletionLog.Start(shard.Name, inputs, settings, CompletionLog.Timestamp(DateTime.UtcNow)));
        return new Batch(log, earlier, settings, shard);
    }

    /// <summary>Whether an earlier run finished <paramref name="input"/> into <paramref name="output"/> as this run would.</summary>
    public bool IsDone(string input, string output)
    {
        if (!_earlier.TryGetValue(Path.GetFullPath(input), out CompletionLog.Entry? entry)
            || entry.Status != "done" || entry.Settings != _settings || entry.Output != Path.GetFullPath(output))
        {
            return false;
        }

        try
        {
            var file = new FileInfo(input);
            return file.Length == entry.InputBytes
                && CompletionLog.Timestamp(file.LastWriteTimeUtc) == entry.InputModified
                && File.Exists(output)
                && CompletionLog.FileSha256(output) == entry.OutputSha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Logs one input's outcome (flushed at once).</summary>
    public void Finished(string input, string output, double audioSeconds, double wallSeconds, string? error)
    {
        long bytes = 0;
        string modified = "";
        string? hash = null;
        try
        {
            var file = new FileInfo(input);
            bytes = file.Exists ? file.Length : 0;
            modified = file.Exists ? CompletionLog.Timestamp(file.LastWriteTimeUtc) : "";
            hash = error is null && File.Exists(output) ? CompletionLog.FileSha256(output) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error ??= $"{output}: cannot be read back ({e.Message.TrimEnd('.')})";
        }

        _log.Write(new CompletionLog.Entry(Path.GetFullPath(input), Path.GetFullPath(output), bytes, modified, hash, audioSeconds,
            wallSeconds, error is null ? "done" : "failed", error, _settings, CompletionLog.Timestamp(DateTime.UtcNow), _shard.Name));
    }

    public void Dispose() => _log.Dispose();

    /// <summary>Everything that changes an output, as text for the fingerprint.</summary>
    public static string SettingsText(string? modelPath, Model model, DenoiserOptions options, bool keepDelay, bool asFloat)
    {
        string weights = modelPath is null ? "embedded" : CompletionLog.FileSha256(modelPath);
        return string.Create(CultureInfo.InvariantCulture,
            $"model={weights}|{model.Description}|{model.Architecture}|{model.ParameterCount}|{model.Quantisation}; options={options}; keep-delay={keepDelay}; float={asFloat}");
    }
}
