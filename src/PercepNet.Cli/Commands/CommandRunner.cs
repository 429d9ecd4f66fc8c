using PercepNet.Audio;

namespace PercepNet.Cli.Commands;

/// <summary>Runs a command body so that expected failures print one line on stderr and exit non-zero, never a stack trace.</summary>
internal static class CommandRunner
{
    /// <summary>An unexpected failure (a bug): one line naming the exception.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: one line and a hint, nothing done.</summary>
    public const int UsageError = 2;

    /// <summary>An input could not be read (missing, empty, truncated, corrupt or unsupported); the others were processed.</summary>
    public const int InputError = 3;

    /// <summary>An output could not be written (permissions, missing folder, full disk); the others were processed.</summary>
    public const int OutputError = 4;

    /// <summary>Interrupted by SIGINT (Ctrl-C); unfinished outputs deleted.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM; unfinished outputs deleted.</summary>
    public const int Terminated = 143;

    /// <summary>Stopped by SIGHUP (the terminal or the session went away); unfinished outputs deleted.</summary>
    public const int HungUp = 129;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (AudioFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (OutputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return OutputError;
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never a stack trace: one line, with the exception type to help a bug report.
            Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message}");
            return Failure;
        }
    }

    /// <summary>Refuses to write over any of the inputs, whatever links the paths go through.</summary>
    public static void EnsureNotAnInput(string output, params string[] inputs)
    {
        foreach (string input in inputs)
        {
            if (ResolvedPath.Same(output, input))
            {
                throw new UsageException($"{output}: refusing to overwrite an input file ({input})");
            }
        }
    }
}

internal sealed class UsageException(string message) : Exception(message);

/// <summary>Something the command must read (a model, a list) cannot be read (exit code 3); the message names it.</summary>
internal sealed class InputException(string message) : Exception(message);

/// <summary>Something the command must write cannot be written (exit code 4); the message names it.</summary>
internal sealed class OutputException(string message) : Exception(message);
