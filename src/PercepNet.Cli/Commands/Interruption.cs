using System.Runtime.InteropServices;
using PercepNet.Audio;

namespace PercepNet.Cli.Commands;

/// <summary>
/// While a command writes files: on SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal closed, an SSH session dropped),
/// delete every unfinished output (<see cref="UnfinishedFiles"/>), give a terminal its cursor back (the progress bar
/// hides it), say so in one line, and exit with 130, 143 or 129.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    private Interruption()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, CommandRunner.Interrupted, "interrupted")),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, CommandRunner.Terminated, "terminated")),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => Stop(context, CommandRunner.HungUp, "hung up")),
        ];
    }

    public static Interruption Watch() => new();

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private static volatile bool s_stopping;

    /// <summary>
    /// Once a signal's handler has begun to stop the process, waits for it to end the process: the command's own
    /// thread must not return from <c>Main</c> then (its exit code would race the handler's, and files could outlive
    /// it). Returns at once when no signal came.
    /// </summary>
    public static void HoldIfStopping()
    {
        if (s_stopping)
        {
            Thread.Sleep(Timeout.Infinite); // Environment.Exit on the handler's thread ends the process
        }
    }

    private static void Stop(PosixSignalContext context, int code, string what)
    {
        s_stopping = true;
        context.Cancel = true;
        int deleted = UnfinishedFiles.DeleteAll();
        if (!Console.IsErrorRedirected)
        {
            // Show the cursor again (DECTCEM), on a line of its own: the progress bar may be mid-line.
            Console.Error.Write("\u001b[?25h\n");
        }

        Console.Error.WriteLine($"{what}: stopped, {deleted} unfinished output(s) removed");
        Environment.Exit(code);
    }
}
