namespace PercepNet.Cli.Commands;

/// <summary>Writes a text file through a temporary file and a rename, so readers never see half of it.</summary>
internal static class AtomicText
{
    public static void Write(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"{path}: output directory {directory} does not exist");
        }

        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, full, overwrite: true);
    }
}
