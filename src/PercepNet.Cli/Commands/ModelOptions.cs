using PercepNet.Network;

namespace PercepNet.Cli.Commands;

/// <summary>Loads the model a command runs: a file given by --model, else the embedded default.</summary>
internal static class ModelOptions
{
    public static CompiledModel Load(string? path)
    {
        if (path is not null)
        {
            return new CompiledModel(Read(path));
        }

        if (!DefaultModel.IsAvailable)
        {
            throw new UsageException("this build embeds no default model yet; give one with --model FILE (see 'percepnet model random' for a speed test)");
        }

        return DefaultModel.Get();
    }

    /// <summary>Reads a model file; a malformed one is a usage error naming the file and the problem.</summary>
    public static Model Read(string path)
    {
        try
        {
            return ModelFile.Read(path);
        }
        catch (ModelFormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
