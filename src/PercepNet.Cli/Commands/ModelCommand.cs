using System.CommandLine;
using System.Globalization;

namespace PercepNet.Cli.Commands;

/// <summary><c>percepnet model info</c>: what a model file (or the embedded model) is.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "Inspect model files.");
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    public static Command CreateInfo()
    {
        var file = new Argument<string?>("file") { Description = "A model file (default: the embedded model).", Arity = ArgumentArity.ZeroOrOne };
        var info = new Command("info", "Print a model's preset, layer widths, weights, format versions and description.") { file };
        info.SetAction(parse => CommandRunner.Run(() =>
        {
            Model model = ModelOptions.Load(parse.GetValue(file));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"preset {model.Preset}: {model.Architecture}; {model.ParameterCount:N0} parameters"));
            Console.WriteLine($"weights {model.Quantisation}, feature extractor version {Model.FeatureVersion}, model format {Model.FileFormatVersion}");
            Console.WriteLine($"description: {model.Description}");
            return 0;
        }));
        return info;
    }
}
