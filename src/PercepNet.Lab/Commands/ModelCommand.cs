using System.CommandLine;
using System.Globalization;
using PercepNet.Cli.Commands;
using PercepNet.Modelling;
using PercepNet.Network;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet-lab model random|info|convert|average</c>.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "Make, convert, average or inspect model files.");
        var preset = new Option<string>("--preset") { Description = "paper, medium or small.", DefaultValueFactory = _ => "medium" };
        preset.AcceptOnlyFromAmong([.. ModelShape.Presets.Select(p => p.Preset)]);
        var output = new Option<string>("--output", "-o") { Description = "Model file to write.", Required = true };
        var weights = new Option<string>("--weights") { Description = "int8 or float32.", DefaultValueFactory = _ => "int8" };
        weights.AcceptOnlyFromAmong("int8", "float32");
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => 1 };
        var random = new Command("random", "Write a model of a preset with random weights: runnable, for measuring speed before training.")
        {
            preset, output, weights, seed,
        };
        random.SetAction(parse => CommandRunner.Run(() =>
        {
            ModelShape shape = ModelShape.FromPreset(parse.GetValue(preset)!);
            var model = new StoredModel(RandomModel.Create(shape, parse.GetValue(seed)),
                parse.GetValue(weights) == "float32" ? Quantisation.Float32 : Quantisation.Int8, $"random weights, seed {parse.GetValue(seed)} (not trained)");
            ModelFile.Write(parse.GetValue(output)!, model);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Preset}: {shape.ParameterCount:N0} parameters, {model.Quantisation}"));
            return 0;
        }));
        var source = new Argument<string>("input") { Description = "The model file to convert." };
        var convertOutput = new Option<string>("--output", "-o") { Description = "Model file to write (not the input).", Required = true };
        var quantisation = new Option<string?>("--weights") { Description = "int8 or float32 (default: as the input)." };
        quantisation.AcceptOnlyFromAmong("int8", "float32");
        var description = new Option<string?>("--description") { Description = "New description (default: the input's); {old} stands for the input's." };
        var convert = new Command("convert", "Rewrite a model file with other weights storage (int8 or float32) or another description (name, version, recipe).")
        {
            source, convertOutput, quantisation, description,
        };
        convert.SetAction(parse => CommandRunner.Run(() =>
        {
            string input = parse.GetValue(source)!, output = parse.GetValue(convertOutput)!;
            if (Path.GetFullPath(input) == Path.GetFullPath(output))
            {
                throw new UsageException($"{output}: refusing to overwrite the input file");
            }

            StoredModel model = StoredModels.Read(input);
            if (parse.GetValue(quantisation) is string q)
            {
                if (q == "float32" && model.Quantisation == Quantisation.Int8)
                {
                    Console.Error.WriteLine("note: float32 from int8 weights keeps their int8 rounding");
                }

                model = model.WithQuantisation(q == "int8" ? Quantisation.Int8 : Quantisation.Float32);
            }

            if (parse.GetValue(description) is string text)
            {
                model = model.WithDescription(text.Replace("{old}", model.Description, StringComparison.Ordinal));
            }

            ModelFile.Write(output, model);
            Console.WriteLine($"{output}: {model.Shape.Preset}, {model.Quantisation}; {model.Description}");
            return 0;
        }));
        var averaged = new Argument<string[]>("inputs") { Description = "Model files of one preset (int8 ones enter with their int8 rounding).", Arity = ArgumentArity.OneOrMore };
        var averageOutput = new Option<string>("--output", "-o") { Description = "Model file to write (not an input).", Required = true };
        var averageWeights = new Option<string>("--weights") { Description = "int8 or float32.", DefaultValueFactory = _ => "int8" };
        averageWeights.AcceptOnlyFromAmong("int8", "float32");
        var averageDescription = new Option<string?>("--description") { Description = "Description (default: names the inputs)." };
        var average = new Command("average", "Average the weights of models of one preset (checkpoint averaging, e.g. a run's last epochs).")
        {
            averaged, averageOutput, averageWeights, averageDescription,
        };
        average.SetAction(parse => CommandRunner.Run(() =>
        {
            string[] inputs = parse.GetValue(averaged)!;
            string output = parse.GetValue(averageOutput)!;
            if (inputs.Any(i => Path.GetFullPath(i) == Path.GetFullPath(output)))
            {
                throw new UsageException($"{output}: refusing to overwrite an input file");
            }

            var models = inputs.Select(StoredModels.Read).ToList();
            if (models.Select(m => m.Shape).Distinct().Count() > 1)
            {
                throw new UsageException("the models have different shapes: " + string.Join(", ", inputs.Zip(models, (i, m) => $"{i} ({m.Shape.Preset})")));
            }

            if (models.Any(m => m.Quantisation == Quantisation.Int8))
            {
                Console.Error.WriteLine("note: int8 inputs enter the average with their int8 rounding; average float32 models where you have them");
            }

            var model = new StoredModel(
                CheckpointAverage.Of([.. models.Select(m => m.Parameters)]),
                parse.GetValue(averageWeights) == "float32" ? Quantisation.Float32 : Quantisation.Int8,
                parse.GetValue(averageDescription) ?? $"average of {inputs.Length} models: " + string.Join("; ", inputs.Zip(models, (i, m) => $"{Path.GetFileName(i)} ({Shorten(m.Description)})")));
            ModelFile.Write(output, model);
            Console.WriteLine($"{output}: {model.Shape.Preset}, {model.Quantisation}, mean of {inputs.Length} models");
            return 0;
        }));
        command.Subcommands.Add(random);
        command.Subcommands.Add(Cli.Commands.ModelCommand.CreateInfo());
        command.Subcommands.Add(convert);
        command.Subcommands.Add(average);
        return command;
    }

    /// <summary>An input's description as quoted in an average's (averages of averages would otherwise nest without bound).</summary>
    private static string Shorten(string description) => description.Length <= 400 ? description : description[..399] + "…";
}

/// <summary>Reads model files with their float parameters, for the commands that rewrite them.</summary>
internal static class StoredModels
{
    /// <summary>Reads a model file; a malformed one is an input error naming the file and the problem.</summary>
    public static StoredModel Read(string path)
    {
        try
        {
            return ModelFile.Read(path);
        }
        catch (ModelFormatException e)
        {
            throw new InputException(e.Message);
        }
    }
}
