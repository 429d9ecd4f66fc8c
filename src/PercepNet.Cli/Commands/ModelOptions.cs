using PercepNet.Network;

namespace PercepNet.Cli.Commands;

/// <summary>Loads the model a command runs: a file given by --model, else the embedded default.</summary>
internal static class ModelOptions
{
    public static CompiledModel Load(string? path)
    {
        if (path is not null)
        {
            try
            {
                return new CompiledModel(ModelFile.Read(path));
            }
            catch (ModelFormatException e)
            {
                throw new UsageException(e.Message);
            }
        }

        if (!DefaultModel.IsAvailable)
        {
            throw new UsageException("this build embeds no default model yet; give one with --model FILE (see 'percepnet model random' for a speed test)");
        }

        return DefaultModel.Get();
    }
}
