namespace PercepNet.Audio;

/// <summary>A file that cannot be read as audio: the message names the file and the problem in one line.</summary>
public sealed class AudioFormatException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;
}
