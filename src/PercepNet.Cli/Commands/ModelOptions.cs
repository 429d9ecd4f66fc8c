using System.CommandLine;

namespace PercepNet.Cli.Commands;

/// <summary>The <c>--model</c> option and loading the model a command runs: a file, else the embedded default.</summary>
internal static class ModelOptions
{
    public static Option<string?> Create() => new("--model", "-m") { Description = "Model file (default: the model embedded in the tool)." };

    public static Model Load(string? path)
    {
        try
        {
            Model model = path is null ? Model.Default : Model.Load(path);

            // Reading a model decodes every weight to float before packing it to int8; give that memory back now,
            // so that the denoising that follows does not stack its buffers on top of it.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return model;
        }
        catch (ModelFormatException e)
        {
            throw new InputException(e.Message);
        }
    }
}
