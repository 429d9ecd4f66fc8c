using System.CommandLine;
using System.Text.RegularExpressions;
using PercepNet.Cli;
using PercepNet.Lab;

namespace PercepNet.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public class CommandLineConsistencyTests
{
    private static IEnumerable<Command> AllCommands(Command command)
    {
        yield return command;
        foreach (Command sub in command.Subcommands)
        {
            foreach (Command c in AllCommands(sub))
            {
                yield return c;
            }
        }
    }

    private static IEnumerable<Command> BothTools() => AllCommands(CliApp.Build()).Concat(AllCommands(LabApp.Build()));

    [Fact]
    public void EveryShortOptionMeansOneThingAcrossBothTools()
    {
        var meanings = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Option option in BothTools().SelectMany(c => c.Options))
        {
            foreach (string alias in option.Aliases.Where(a => a.Length == 2))
            {
                if (!meanings.TryGetValue(alias, out HashSet<string>? names))
                {
                    meanings[alias] = names = new HashSet<string>(StringComparer.Ordinal);
                }

                names.Add(option.Name);
            }
        }

        Assert.All(meanings, m => Assert.True(m.Value.Count == 1, $"{m.Key} means {string.Join(" and ", m.Value)}"));
        Assert.Equal(["--output"], meanings["-o"]);
    }

    [Fact]
    public void OutputsAreSpelledOutputEverywhere()
    {
        Assert.DoesNotContain(BothTools().SelectMany(c => c.Options), o => o.Name is "--out" || o.Aliases.Contains("--out"));
    }

    [Fact]
    public void HelpTextsDescribeBehaviourNotHistory()
    {
        var history = new Regex(@"\bsession\b|\bSPEC\b|§|\b20\d\d-\d\d-\d\d\b|\brecipe before\b", RegexOptions.IgnoreCase);
        IEnumerable<string?> texts = BothTools().SelectMany(c => new[] { c.Description }
            .Concat(c.Options.Select(o => o.Description))
            .Concat(c.Arguments.Select(a => a.Description)));
        Assert.All(texts, t => Assert.False(t is not null && history.IsMatch(t), t));
    }

    [Theory]
    [InlineData("stream", "--bogus")]
    [InlineData("stream", "--rate", "5")]
    [InlineData("stream", "--channels", "0")]
    [InlineData("denoise", "in.wav")]
    [InlineData("denoise", "in.wav", "-o", "out.wav", "-j", "0")]
    [InlineData("denoise", "in.wav", "-o", "out.wav", "--postfilter-strength", "2")]
    [InlineData("denoise", "in.wav", "-o", "out.wav", "--atten-lim-db", "-3")]
    [InlineData("eval", "--degraded", "d", "-j", "-1")]
    public void AUsageErrorIsOneLineAndAHintOnStderrOnly(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.Code);
        Assert.Equal("", result.Out);
        string[] lines = result.Error.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^Try 'percepnet(-lab)? [a-z-]+ --help' for usage\.$", lines[1]);
    }

    [Fact]
    public void AnOutOfRangeKnobIsNamed()
    {
        var result = CliRunner.Run("denoise", "in.wav", "-o", "out.wav", "--postfilter-strength", "2");
        Assert.Contains("--postfilter-strength", result.Error, StringComparison.Ordinal);
        Assert.Contains("0 (off) to 1", result.Error, StringComparison.Ordinal);
    }
}
