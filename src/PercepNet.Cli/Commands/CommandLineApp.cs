using System.CommandLine;

namespace PercepNet.Cli.Commands;

/// <summary>
/// Runs a command line so that a usage error is one line on stderr plus a hint (exit code 2), never the help text on
/// stdout, where it would mix with audio written there.
/// </summary>
internal static class CommandLineApp
{
    public static int Run(RootCommand root, string name, string[] args)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string path = string.Join(' ', CommandPath(parse.CommandResult, name));
            Console.Error.WriteLine($"error: {parse.Errors[0].Message}");
            Console.Error.WriteLine($"Try '{path} --help' for usage.");
            return CommandRunner.UsageError;
        }

        return parse.Invoke();
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult? result, string name)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(r.Command is RootCommand ? name : r.Command.Name);
        }

        return names;
    }
}
