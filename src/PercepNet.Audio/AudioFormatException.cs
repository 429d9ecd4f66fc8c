namespace PercepNet.Audio;

/// <summary>A file that cannot be read (or written) as audio: the message names the file and the problem in one line.</summary>
/// <param name="path">The file.</param>
/// <param name="problem">What is wrong with it, in a few words.</param>
/// <param name="inner">The error that revealed the problem, if any.</param>
public sealed class AudioFormatException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;
}
