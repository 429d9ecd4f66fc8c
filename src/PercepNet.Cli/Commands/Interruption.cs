using System.Runtime.InteropServices;
using PercepNet.Audio;

namespace PercepNet.Cli.Commands;

/// <summary>
/// While a command writes files: on SIGINT (Ctrl-C) or SIGTERM, delete every unfinished output
/// (<see cref="UnfinishedFiles"/>), say so in one line, and exit with 130 or 143.
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

    private static void Stop(PosixSignalContext context, int code, string what)
    {
        context.Cancel = true;
        int deleted = UnfinishedFiles.DeleteAll();
        Console.Error.WriteLine($"{what}: stopped, {deleted} unfinished output(s) removed");
        Environment.Exit(code);
    }
}
