using PercepNet.Cli;
using PercepNet.Lab;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Runs a command line in-process, capturing standard output and error (tests using it share one collection): the
/// commands of <c>percepnet</c> (denoise, stream, model info) in that tool, the others in <c>percepnet-lab</c>.
/// </summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        TextWriter previousOut = Console.Out, previousError = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int code = IsLab(args) ? LabApp.Run(args) : CliApp.Run(args);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }

    private static bool IsLab(string[] args) =>
        args.Length > 0 && (args[0] is "dataset" or "train" or "validate" or "oracle" or "oracle-table" or "mix" or "eval"
            || (args[0] == "model" && args.Length > 1 && args[1] != "info"));
}
