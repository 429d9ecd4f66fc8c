namespace PercepNet.Audio;

/// <summary>
/// A file written under a temporary name beside its target and renamed over it on <see cref="Commit"/>, so that a
/// failed or interrupted write never leaves a half-written or clobbered output: disposing without committing deletes
/// the temporary file (and <see cref="UnfinishedFiles"/> deletes it when the process is interrupted).
/// </summary>
internal sealed class OutputFile : IDisposable
{
    private readonly string _temporary;
    private bool _committed;

    /// <summary>Creates the temporary file for <paramref name="path"/>, whose folder must exist.</summary>
    /// <exception cref="AudioFormatException">The file cannot be created (the message names the target and says why).</exception>
    public OutputFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(Path) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new AudioFormatException(path, $"cannot be written: folder {directory} does not exist");
        }

        if (Directory.Exists(Path))
        {
            throw new AudioFormatException(path, "cannot be written: it is a folder");
        }

        _temporary = System.IO.Path.Combine(directory, $"{TemporaryPrefix(Path)}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Stream = new FileStream(_temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's message names the temporary file; the user only knows the target.
            string why = e is UnauthorizedAccessException ? "permission denied"
                : System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*'[^']*'", "").TrimEnd('.');
            throw new AudioFormatException(path, $"cannot be written ({why} in {directory})", e);
        }

        try
        {
            UnfinishedFiles.Register(_temporary);
        }
        catch (OperationCanceledException)
        {
            Stream.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the target.</summary>
    public string Path { get; }

    /// <summary>The temporary file, open for writing (and seeking).</summary>
    public FileStream Stream { get; }

    /// <summary>Closes the temporary file and renames it over the target.</summary>
    public void Commit()
    {
        Stream.Flush();
        Stream.Dispose();
        File.Move(_temporary, Path, overwrite: true);
        UnfinishedFiles.Unregister(_temporary);
        _committed = true;
    }

    /// <summary>
    /// Closes the file; without <see cref="Commit"/>, deletes it and leaves the target as it was, even when closing
    /// fails (a full disk refuses the last buffered bytes).
    /// </summary>
    public void Dispose()
    {
        try
        {
            Stream.Dispose();
        }
        catch (IOException) when (!_committed)
        {
            // The file is abandoned below: what could not be written no longer matters.
        }
        finally
        {
            if (!_committed)
            {
                File.Delete(_temporary);
                UnfinishedFiles.Unregister(_temporary);
            }
        }
    }

    /// <summary>
    /// How the names of the temporary files written for <paramref name="path"/> begin (a dot, then the file's name,
    /// shortened where needed so that the whole temporary name, with the process and a random part, stays within the
    /// 255 bytes most file systems allow). A folder's leftovers from a killed run are the files with this prefix.
    /// </summary>
    internal static string TemporaryPrefix(string path)
    {
        // "." + name + "." + process id (≤ 10 digits) + "." + 32 hex digits + ".tmp" ≤ 255 bytes.
        const int MostNameBytes = 255 - 1 - 1 - 10 - 1 - 32 - 4;
        string name = System.IO.Path.GetFileName(path);
        while (System.Text.Encoding.UTF8.GetByteCount(name) > MostNameBytes)
        {
            name = name[..^(char.IsLowSurrogate(name[^1]) && name.Length > 1 ? 2 : 1)];
        }

        return $".{name}.";
    }
}
