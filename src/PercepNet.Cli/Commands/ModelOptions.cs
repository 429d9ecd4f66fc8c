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
            return path is null ? Model.Default : Model.Load(path);
        }
        catch (ModelFormatException e)
        {
            throw new InputException(e.Message);
        }
    }
}
