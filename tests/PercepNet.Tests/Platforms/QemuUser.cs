namespace PercepNet.Tests.Platforms;

/// <summary>Debian's user-mode emulator running linux-arm64 programs on this x86-64 machine, with the arm64 C runtime.</summary>
internal static class QemuUser
{
    private const string Emulator = "qemu-aarch64-static";
    private const string SystemRoot = "/usr/aarch64-linux-gnu";

    /// <summary>Whether the emulator and the arm64 C runtime (libc6-arm64-cross) are installed.</summary>
    public static bool IsInstalled => ChildProcess.IsInstalled(Emulator) && Directory.Exists(SystemRoot);

    /// <summary>
    /// A first-generation budget (256 MB) larger than anything the emulated checks allocate, so that they seldom
    /// collect garbage: under the emulator, .NET programs die now and then with their objects in impossible states (a
    /// null in a filled array, a matrix of the wrong size) or crash at exit — the previous commit's build as well,
    /// more often with collections forced frequent — which points at the emulator's handling of the runtime's thread
    /// suspension, not at the code under test.
    /// </summary>
    private static readonly KeyValuePair<string, string> FewCollections = new("DOTNET_GCgen0size", "0x10000000");

    /// <summary>
    /// Runs the arm64 <paramref name="program"/> under the emulator; a run that fails (a crash, or a check that did not
    /// hold) is run once more for the reason above: a fault of the code under test fails both runs.
    /// </summary>
    public static ChildProcess.Result Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] command = ["-L", SystemRoot, program, .. arguments];
        var withBudget = new Dictionary<string, string>([.. environment ?? new Dictionary<string, string>(), FewCollections]);
        ChildProcess.Result result = ChildProcess.Run(Emulator, command, withBudget);
        return result.Code != 0 ? ChildProcess.Run(Emulator, command, withBudget) : result;
    }
}
