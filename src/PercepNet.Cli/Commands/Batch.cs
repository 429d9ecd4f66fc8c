using System.Globalization;
using PercepNet.Audio;

namespace PercepNet.Cli.Commands;

/// <summary>
/// One shard's run of a batch: which inputs an earlier run finished (the log says done with these settings, the input
/// has the logged size and time, and the output still has the logged SHA-256), and the log lines of this run.
/// </summary>
internal sealed class Batch : IDisposable
{
    private readonly FileStream _lock;
    private readonly CompletionLog _log;
    private readonly Dictionary<string, CompletionLog.Entry> _earlier;
    private readonly string _settings;
    private readonly Shard _shard;

    private Batch(FileStream shardLock, CompletionLog log, Dictionary<string, CompletionLog.Entry> earlier, string settings, Shard shard)
    {
        _lock = shardLock;
        _log = log;
        _earlier = earlier;
        _settings = settings;
        _shard = shard;
    }

    /// <summary>
    /// Starts a shard's run: takes the shard's lock (a second run of the same shard at once is refused rather than
    /// deleting the first one's temporaries and interleaving its log), runs <paramref name="beforeLogging"/> (the
    /// clean-up of a killed run's leftovers, which may free the space the log needs), then logs the start.
    /// </summary>
    /// <exception cref="OutputException">The shard is being run elsewhere, or its log cannot be written.</exception>
    public static Batch Begin(string outputFolder, string settingsText, Shard shard, int inputs, Action? beforeLogging = null)
    {
        string logFolder = Path.Combine(outputFolder, CompletionLog.FolderName);
        string lockPath = Path.Combine(logFolder, $"shard-{shard.Name}.lock");
        FileStream shardLock;
        try
        {
            Directory.CreateDirectory(logFolder);
            // FileShare.None is an exclusive advisory lock (flock) on Unix and a share lock on Windows: it is released
            // when the process ends, however it ends.
            shardLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            throw new OutputException($"{outputFolder}: shard {shard.Index} of {shard.Count} is being run by another process; wait for it to end");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{logFolder}: cannot be written ({e.Message.TrimEnd('.')})");
        }

        try
        {
            beforeLogging?.Invoke();
            string settings = CompletionLog.Fingerprint(settingsText);
            var earlier = CompletionLog.Latest(CompletionLog.ReadAll(outputFolder).Entries);
            CompletionLog log = CompletionLog.Open(outputFolder, shard);
            log.WriteStart(new CompletionLog.Start(shard.Name, inputs, settings, CompletionLog.Timestamp(DateTime.UtcNow)));
            return new Batch(shardLock, log, earlier, settings, shard);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            shardLock.Dispose();
            throw new OutputException($"{CompletionLog.PathOf(outputFolder, shard)}: cannot be written ({e.Message.TrimEnd('.')})");
        }
        catch
        {
            shardLock.Dispose();
            throw;
        }
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

    /// <summary>Why a log line could not be written (a full disk), or null.</summary>
    public string? LogProblem { get; private set; }

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

        try
        {
            _log.Write(new CompletionLog.Entry(Path.GetFullPath(input), Path.GetFullPath(output), bytes, modified, hash, audioSeconds,
                wallSeconds, error is null ? "done" : "failed", error, _settings, CompletionLog.Timestamp(DateTime.UtcNow), _shard.Name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The output is written; only its log line is lost, and the file is redone by the next run. Said once, at the end.
            LogProblem ??= $"{_log.FilePath}: cannot be written ({e.Message.TrimEnd('.')}); the files it misses are redone by the next run";
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        _lock.Dispose();
    }

    /// <summary>Everything that changes an output, as text for the fingerprint.</summary>
    public static string SettingsText(string? modelPath, Model model, DenoiserOptions options, bool keepDelay, WavSampleFormat? format)
    {
        string weights = modelPath is null ? "embedded" : CompletionLog.FileSha256(modelPath);
        return string.Create(CultureInfo.InvariantCulture,
            $"model={weights}|{model.Description}|{model.Architecture}|{model.ParameterCount}|{model.Quantisation}; options={options}; keep-delay={keepDelay}; format={format?.ToString() ?? "input"}");
    }
}
