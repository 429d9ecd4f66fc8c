using System.CommandLine;
using PercepNet.Cli.Commands;
using PercepNet.Lab.Commands;

namespace PercepNet.Lab;

/// <summary>The <c>percepnet-lab</c> command line: datasets, training, validation, oracles, mixing, evaluation, model files.</summary>
internal static class LabApp
{
    public static RootCommand Build() =>
        new("Build PercepNet models: training data, training and validation, the oracle signal chain, test mixtures, evaluation and model files.")
        {
            DatasetCommand.Create(),
            TrainCommand.Create(),
            TrainCommand.CreateValidate(),
            OracleCommand.Create(),
            OracleTableCommand.Create(),
            MixCommand.Create(),
            EvalCommand.Create(),
            Commands.ModelCommand.Create(),
        };

    public static int Run(string[] args) => CommandLineApp.Run(Build(), "percepnet-lab", args);
}
