using System.CommandLine;
using PercepNet.Cli.Commands;

namespace PercepNet.Cli;

/// <summary>The <c>percepnet</c> command line: denoise files and streams.</summary>
internal static class CliApp
{
    public static RootCommand Build() =>
        new("Remove noise and reverberation from speech recordings and live audio (PercepNet, 48 kHz inside, any rate and channel count outside).")
        {
            DenoiseCommand.Create(),
            BatchStatusCommand.Create(),
            StreamCommand.Create(),
            ModelCommand.Create(),
        };

    public static int Run(string[] args) => CommandLineApp.Run(Build(), "percepnet", args);
}
