using System.Diagnostics;

namespace PercepNet.Tests;

/// <summary>Runs the programs the tests need (the built tools, scripts, encoders, C test programs) and collects their output.</summary>
internal static class ChildProcess
{
    /// <summary>An exit code and everything the program printed (standard output, then standard error).</summary>
    public sealed record Result(int Code, string Output)
    {
        /// <summary>This result, or an exception naming <paramref name="what"/> with the output when the program failed.</summary>
        public Result Check(string what) =>
            Code == 0 ? this : throw new InvalidOperationException($"{what} exited with {Code}:\n{Output}");
    }

    /// <summary>Whether <paramref name="tool"/> is on PATH.</summary>
    public static bool IsInstalled(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, tool)));

    /// <summary>Starts <paramref name="program"/> with its output captured; <see cref="Finish"/> collects it.</summary>
    public static Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Waits for a process from <see cref="Start"/> and returns what it printed.</summary>
    public static Result Finish(Process process)
    {
        using (process)
        {
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Result(process.ExitCode, output + error.Result);
        }
    }

    public static Result Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        Finish(Start(program, arguments, environment));
}
