namespace PercepNet.Tests.Platforms;

/// <summary>Debian's user-mode emulator running linux-arm64 programs on this x86-64 machine, with the arm64 C runtime.</summary>
internal static class QemuUser
{
    private const string Emulator = "qemu-aarch64-static";
    private const string SystemRoot = "/usr/aarch64-linux-gnu";

    /// <summary>Whether the emulator and the arm64 C runtime (libc6-arm64-cross) are installed.</summary>
    public static bool IsInstalled => ChildProcess.IsInstalled(Emulator) && Directory.Exists(SystemRoot);

    /// <summary>Runs the arm64 <paramref name="program"/> under the emulator.</summary>
    public static ChildProcess.Result Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        ChildProcess.Run(Emulator, ["-L", SystemRoot, program, .. arguments], environment);
}
