using System.Diagnostics;

namespace PercepNet.Tests.Cli;

/// <summary>
/// A reader that goes away (`| head`): the tool notices the closed pipe at its next write and stops with exit 4 and one
/// line, instead of writing into nothing for ever or reporting success.
/// </summary>
public sealed class ClosedPipeTests
{
    private static string Tool => Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");

    /// <summary>Starts the tool with its standard output's reading end closed at once; returns its exit code and stderr.</summary>
    private static (int Code, string Error) RunIntoClosedPipe(string[] arguments, bool feedStandardInput)
    {
        var start = new ProcessStartInfo(Tool, arguments)
        {
            RedirectStandardInput = feedStandardInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        process.StandardOutput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (feedStandardInput)
        {
            // An endless input, as from a microphone: silence-free noise, until the tool exits.
            var block = new byte[9600];
            new Random(1).NextBytes(block);
            var clock = Stopwatch.StartNew();
            try
            {
                while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    process.StandardInput.BaseStream.Write(block);
                    process.StandardInput.BaseStream.Flush();
                }
            }
            catch (IOException)
            {
                // The tool exited and closed its input.
            }
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the tool went on writing into a closed pipe for a minute");
        }

        return (process.ExitCode, error.Result);
    }

    [Fact]
    public void StreamStopsWhenItsReaderIsGone()
    {
        (int code, string error) = RunIntoClosedPipe(["stream"], feedStandardInput: true);
        Assert.True(code == 4, error);
        Assert.Contains("error: standard output cannot be written", error);
    }

    [Fact]
    public void DenoiseToStandardOutputFailsWhenItsReaderIsGone()
    {
        (int code, string error) = RunIntoClosedPipe(["denoise", Repository.PathOf("examples", "noisy.wav"), "-o", "-"], feedStandardInput: false);
        Assert.True(code == 4, error);
        Assert.Contains("error: standard output cannot be written", error);
        Assert.Contains("0 of 1 file(s) denoised, 1 failed", error);
    }
}
