using System.CommandLine;
using PercepNet.Cli.Commands;

namespace PercepNet.Cli;

/// <summary>The <c>percepnet</c> command line.</summary>
public static class CliApp
{
    public static RootCommand Build() =>
        new("PercepNet speech enhancement for .NET: denoise, evaluate, and explore the signal chain.")
        {
            OracleCommand.Create(),
            MixCommand.Create(),
            OracleTableCommand.Create(),
            EvalCommand.Create(),
            DatasetCommand.Create(),
            DenoiseCommand.Create(),
            StreamCommand.Create(),
            ModelCommand.Create(),
            TrainCommand.Create(),
            TrainCommand.CreateValidate(),
        };

    public static int Run(string[] args) => Build().Parse(args).Invoke();
}
