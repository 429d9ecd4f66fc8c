using System.CommandLine;
using PercepNet.Cli.Commands;

var root = new RootCommand("PercepNet speech enhancement for .NET: denoise, evaluate, and explore the signal chain.")
{
    OracleCommand.Create(),
    MixCommand.Create(),
};

return root.Parse(args).Invoke();
