using System.CommandLine;
using System.CommandLine.Parsing;

namespace PercepNet.Cli.Commands;

/// <summary>
/// Runs a command line so that a usage error is one line on stderr plus a hint (exit code 2), never the help text on
/// stdout, where it would mix with audio written there. A mistyped command or option is named with the nearest one
/// that exists, and an option-like word is never taken for an input path unless a file or folder of that name exists
/// (or it follows <c>--</c>).
/// </summary>
internal static class CommandLineApp
{
    public static int Run(RootCommand root, string name, string[] args)
    {
        (ParseResult parse, string? problem) = Check(root, args);
        if (problem is not null)
        {
            string path = string.Join(' ', CommandPath(parse.CommandResult, name));
            Console.Error.WriteLine($"error: {problem}");
            Console.Error.WriteLine($"Try '{path} --help' for usage.");
            return CommandRunner.UsageError;
        }

        return parse.Invoke();
    }

    /// <summary>
    /// The parser's settings: no response files. By default a word starting with @ is replaced by the lines of the file it
    /// names, so an input called @take.wav would be read as a list of arguments, and a word with a NUL character in it
    /// made the parser throw (found by fuzzing the command line).
    /// </summary>
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    /// <summary>The parse of <paramref name="args"/> and what is wrong with it (null when nothing), without running anything.</summary>
    public static (ParseResult Parse, string? Problem) Check(RootCommand root, string[] args)
    {
        ParseResult parse = root.Parse(args, Configuration);
        return (parse, UnknownCommand(root, parse, args) ?? UnknownOption(parse, args) ?? FirstError(parse));
    }

    /// <summary>
    /// The first parse error, in our words where the parser's would name a .NET type ("takes a number, not 'abc'"; the
    /// option checks add that line themselves, and it is preferred).
    /// </summary>
    private static string? FirstError(ParseResult parse)
    {
        const string Unparsable = "Cannot parse argument ";
        string[] messages = [.. parse.Errors.Select(e => e.Message)];
        string? ours = messages.FirstOrDefault(m => !m.StartsWith(Unparsable, StringComparison.Ordinal));
        if (ours is not null || messages.Length == 0)
        {
            return ours;
        }

        var match = System.Text.RegularExpressions.Regex.Match(messages[0], "^Cannot parse argument '(.*)' for option '([^']*)' as expected type '([^']*)'");
        return match.Success
            ? $"{match.Groups[2].Value} takes {(match.Groups[3].Value.Contains("Int", StringComparison.Ordinal) ? "a whole number" : "a number")}, not '{match.Groups[1].Value}'."
            : messages[0];
    }

    /// <summary>A first word that names no command, with the nearest command's name.</summary>
    private static string? UnknownCommand(RootCommand root, ParseResult parse, string[] args)
    {
        if (parse.CommandResult.Command != root || args.Length == 0 || args[0].StartsWith('-'))
        {
            return null;
        }

        return $"unknown command '{args[0]}'{Nearest(args[0], root.Subcommands.Select(c => c.Name))}";
    }

    /// <summary>
    /// A word that looks like an option (-x, --word) but was taken as an argument because no option has that name, and
    /// no file or folder has it either; words after <c>--</c> are arguments whatever they look like.
    /// </summary>
    private static string? UnknownOption(ParseResult parse, string[] args)
    {
        int end = Array.IndexOf(args, "--");
        var looksLikeOptions = new HashSet<string>(
            args.Take(end < 0 ? args.Length : end).Where(a => a.Length > 1 && a[0] == '-' && !double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out _)),
            StringComparer.Ordinal);
        foreach (Token token in parse.Tokens)
        {
            if (token.Type == TokenType.Argument && looksLikeOptions.Contains(token.Value) && !File.Exists(token.Value) && !Directory.Exists(token.Value))
            {
                Command command = parse.CommandResult.Command;
                IEnumerable<string> names = command.Options.Concat(parse.RootCommandResult.Command.Options.Where(o => o.Recursive))
                    .SelectMany(o => o.Aliases.Prepend(o.Name));
                return $"unknown option '{token.Value}'{Nearest(token.Value, names)}";
            }
        }

        return null;
    }

    /// <summary>" (did you mean 'X'?)" for the candidate closest to <paramref name="word"/>, when one is close enough.</summary>
    private static string Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            // A prefix (--atten-lim for --atten-lim-db) counts as close.
            int distance = candidate.StartsWith(word, StringComparison.Ordinal) ? 1 : EditDistance(word, candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? $" (did you mean '{best}'?)" : "";
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static IEnumerable<string> CommandPath(CommandResult? result, string name)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null; r = r.Parent as CommandResult)
        {
            names.Push(r.Command is RootCommand ? name : r.Command.Name);
        }

        return names;
    }
}
