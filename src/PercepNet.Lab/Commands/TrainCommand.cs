using System.CommandLine;
using System.Globalization;
using PercepNet.Cli.Commands;
using PercepNet.Data;
using PercepNet.Network;
using PercepNet.Training;
using Spectre.Console;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet train</c>: trains a model on a dataset (TorchSharp; loaded only by this command).</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder made by 'percepnet-lab dataset build'.", Required = true };
        var preset = new Option<string>("--preset") { Description = "paper, medium or small.", DefaultValueFactory = _ => "medium" };
        preset.AcceptOnlyFromAmong([.. ModelShape.Presets.Select(p => p.Preset)]);
        var output = new Option<string>("--output", "-o") { Description = "Run folder: checkpoints, log.csv, loss.svg, epoch-NN-{float32,int8}.pnm, best-{float32,int8}.pnm.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs over the training split.", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch") { Description = "Sequences per batch.", DefaultValueFactory = _ => 32 };
        var rate = new Option<double>("--lr") { Description = "Initial learning rate (Adam).", DefaultValueFactory = _ => 1e-3 };
        var decay = new Option<double>("--lr-decay") { Description = "Learning rate at step s: lr / (1 + decay·s).", DefaultValueFactory = _ => 5e-5 };
        var minutes = new Option<double?>("--max-minutes") { Description = "Stop (with a checkpoint) after this long; rerun to resume." };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the batch order.", DefaultValueFactory = _ => 1 };
        var init = new Option<string?>("--init") { Description = "Start from this model file's weights (fine-tuning); ignored when resuming a checkpoint." };
        var overAttenuation = new Option<double>("--over-attenuation")
        {
            Description = "Extra loss weight of gains below their target (speech removed); 0 is the plain loss (docs/DESIGN.md). Validation always uses the plain loss.",
            DefaultValueFactory = _ => 0,
        };
        NumericOptionChecks.RequireNonNegative(overAttenuation);
        var warmup = new Option<int>("--warmup-steps")
        {
            Description = "Steps over which the learning rate rises linearly to --lr at the start of a run; 0 starts at --lr.",
            DefaultValueFactory = _ => 0,
        };
        NumericOptionChecks.RequireRange(warmup, 0, int.MaxValue, "a number of steps");
        var balance = new Option<bool>("--balance-bands")
        {
            Description = "Average the loss per band over the frames where that band is defined, then over bands, so that the top "
                + "bands (undefined above the bandwidth of most training speech) weigh as much as the others. Validation keeps the plain loss.",
        };
        var envelope = new Option<double>("--envelope-weight")
        {
            Description = "Weight of an intelligibility term: 1 − the correlation of the estimated and target band envelopes over 300 ms "
                + "(after STOI, in its 150 Hz-4.3 kHz bands), added to the loss; 0 turns it off. Validation keeps the plain loss.",
            DefaultValueFactory = _ => 0,
        };
        NumericOptionChecks.RequireNonNegative(envelope);
        var level = new Option<double>("--level-weight")
        {
            Description = "Weight of a band-level term: the log ratio of each band's output energy over 300 ms to the clean speech's, "
                + "where the band carries speech, added to the loss; 0 turns it off. Validation keeps the plain loss.",
            DefaultValueFactory = _ => 0,
        };
        NumericOptionChecks.RequireNonNegative(level);
        var levelTop = new Option<double?>("--level-weight-top")
        {
            Description = "Weight of the band-level term in the bands centred at or above 8 kHz, which the 16 kHz measures (STOI, DNSMOS) "
                + "do not see; default: --level-weight.",
        };
        NumericOptionChecks.RequireNonNegative(levelTop);
        var command = new Command("train",
            "Train the network on a dataset: Adam, sequences of one dataset segment, validation each epoch, the best "
            + "model exported as float32 and int8 model files. Rerunning with the same --out resumes from the last checkpoint.")
        {
            dataset, preset, output, epochs, batch, rate, decay, minutes, seed, init, overAttenuation, warmup, balance, envelope, level, levelTop,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var options = new TrainingOptions
            {
                DatasetDirectory = parse.GetValue(dataset)!,
                OutputDirectory = parse.GetValue(output)!,
                Shape = ModelShape.FromPreset(parse.GetValue(preset)!),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(rate),
                LearningRateDecay = parse.GetValue(decay),
                MaxMinutes = parse.GetValue(minutes) ?? double.PositiveInfinity,
                Seed = parse.GetValue(seed),
                InitialModel = parse.GetValue(init),
                OverAttenuationWeight = parse.GetValue(overAttenuation),
                WarmupSteps = parse.GetValue(warmup),
                BalanceBands = parse.GetValue(balance),
                EnvelopeWeight = parse.GetValue(envelope),
                LevelWeight = parse.GetValue(level),
                LevelWeightTop = parse.GetValue(levelTop),
            };
            TrainingState state;
            try
            {
                state = Run(options);
            }
            catch (DatasetException e)
            {
                throw new InputException(e.Message);
            }
            catch (InvalidOperationException e)
            {
                throw new UsageException(e.Message);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stopped after epoch {state.Epoch}, step {state.Step}; best validation loss {state.BestValidationLoss:F5}; models in {options.OutputDirectory}"));
            return 0;
        }));
        return command;
    }

    /// <summary><c>percepnet validate</c>: the validation loss of model files on one dataset's held-out split.</summary>
    public static Command CreateValidate()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder made by 'percepnet-lab dataset build'.", Required = true };
        var models = new Argument<string[]>("models") { Description = "Model files (.pnm).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate",
            "Print each model's loss on a dataset's validation split, computed as training computes it each epoch: "
            + "compares models trained on other datasets, or other epochs, on the same held-out mixtures.")
        {
            dataset, models,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            string[] paths = parse.GetValue(models)!;
            StoredModel[] loaded = [.. paths.Select(StoredModels.Read)];
            string directory = parse.GetValue(dataset)!;
            TrainingSplit validation;
            DatasetManifest manifest;
            try
            {
                validation = TrainingData.LoadValidation(directory);
                manifest = DatasetManifest.Read(directory);
            }
            catch (DatasetException e)
            {
                throw new InputException(e.Message);
            }

            // The split's segments in shard order are its indices 0..N-1: dry ones apart from reverberant ones, whose
            // larger losses otherwise dominate the mean and can hide a loss on dry speech.
            var rooms = manifest.Segments.Where(s => s.Split == DatasetBuilder.ValidationSplit).ToDictionary(s => s.Index, s => s.Mixture.Room);
            int[] dry = [.. Enumerable.Range(0, validation.Segments).Where(i => rooms.GetValueOrDefault(i, "none") == "none")];
            int[] reverberant = [.. Enumerable.Range(0, validation.Segments).Except(dry)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model\tall ({validation.Segments})\tdry ({dry.Length})\treverberant ({reverberant.Length})"));
            for (int i = 0; i < paths.Length; i++)
            {
                string Loss(int[]? segments) => segments is { Length: 0 } ? "-"
                    : Trainer.ValidationLoss(validation, loaded[i], segments: segments).ToString("F5", CultureInfo.InvariantCulture);
                try
                {
                    Console.WriteLine($"{paths[i]}\t{Loss(null)}\t{Loss(dry)}\t{Loss(reverberant)}");
                }
                catch (InvalidOperationException e)
                {
                    throw new UsageException(e.Message);
                }
            }

            return 0;
        }));
        return command;
    }

    private static TrainingState Run(TrainingOptions options)
    {
        TrainingState state = null!;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: options.Epochs);
                state = new Trainer(options).Run(p =>
                {
                    task.Value = p.Epoch + (p.ValidationLoss is null ? 0 : 1);
                    task.Description = p.ValidationLoss is null
                        ? string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch + 1}/{p.Epochs} step {p.Step} loss {p.Loss:F4} {p.FramesPerSecond:F0} frames/s")
                        : string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch + 1}/{p.Epochs} validation {p.ValidationLoss:F4}");
                });
            });
        return state;
    }
}
