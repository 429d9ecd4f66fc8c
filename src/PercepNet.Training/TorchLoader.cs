using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace PercepNet.Training;

/// <summary>
/// Makes TorchSharp load where the system libstdc++ predates GCC 13 (Debian 12). TorchSharp 0.107's
/// libLibTorchSharp.so asks for the symbol version GLIBCXX_3.4.32 for a single no-op symbol,
/// <c>std::ios_base_library_init()</c>. Where that version is missing, this marks the version requirement weak in the
/// library's ELF header (so the loader no longer insists on it; idempotent) and loads, globally, a one-line library
/// that defines the symbol at that version (built next to the assembly by the project). See docs/TORCHSHARP.md.
/// </summary>
internal static class TorchLoader
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private static readonly Lazy<string?> Problem = new(Prepare);

    /// <summary>Null when TorchSharp can be used; otherwise why not, in one line.</summary>
    public static string? Ensure() => Problem.Value;

    private static string? Prepare()
    {
        try
        {
            if (OperatingSystem.IsLinux() && !SystemLibstdcxxHas(MissingVersion))
            {
                string directory = AppContext.BaseDirectory;
                foreach (string library in new[] { Path.Combine(directory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), Path.Combine(directory, "cpu", "libLibTorchSharp.so") })
                {
                    if (File.Exists(library))
                    {
                        MarkVersionWeak(library, MissingVersion);
                    }
                }

                string shim = Path.Combine(directory, "libglibcxx-shim.so");
                if (!File.Exists(shim))
                {
                    return $"{shim} is missing (it is built with g++ by the PercepNet.Training project); TorchSharp needs it on this system";
                }

                if (dlopen(shim, RtldNow | RtldGlobal) == IntPtr.Zero)
                {
                    return $"{shim} could not be loaded";
                }
            }

            using var probe = TorchSharp.torch.ones(1);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return $"TorchSharp could not be loaded: {(e.InnerException ?? e).Message.Split('\n')[0]}";
        }
    }

    private static bool SystemLibstdcxxHas(string version)
    {
        foreach (string path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
        {
            if (File.Exists(path))
            {
                return File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
            }
        }

        return true; // unknown layout: let TorchSharp try as it is
    }

    /// <summary>Sets VER_FLG_WEAK on the .gnu.version_r entry naming <paramref name="version"/> (ELF64 little-endian).</summary>
    internal static bool MarkVersionWeak(string path, string version)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 64 || data[0] != 0x7F || data[1] != (byte)'E' || data[4] != 2 || data[5] != 1)
        {
            return false;
        }

        long sectionHeaders = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x3A));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x3C));
        (uint Type, long Offset, uint Link, uint Info) Section(int i)
        {
            var s = data.AsSpan((int)(sectionHeaders + (i * entrySize)));
            return (BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), BinaryPrimitives.ReadInt64LittleEndian(s[24..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[40..]), BinaryPrimitives.ReadUInt32LittleEndian(s[44..]));
        }

        const uint VersionNeeds = 0x6ffffffe;
        for (int i = 0; i < count; i++)
        {
            var needs = Section(i);
            if (needs.Type != VersionNeeds)
            {
                continue;
            }

            long strings = Section((int)needs.Link).Offset;
            long entry = needs.Offset;
            bool changed = false;
            for (uint n = 0; n < needs.Info; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)entry + 2));
                long aux = entry + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)entry + 8));
                for (int a = 0; a < auxCount; a++)
                {
                    uint name = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)aux + 8));
                    int start = (int)(strings + name);
                    int end = Array.IndexOf(data, (byte)0, start);
                    if (Encoding.ASCII.GetString(data, start, end - start) == version)
                    {
                        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)aux + 4));
                        if ((flags & 0x2) == 0)
                        {
                            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan((int)aux + 4), (ushort)(flags | 0x2));
                            changed = true;
                        }
                    }

                    aux += BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)aux + 12));
                }

                uint next = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)entry + 12));
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }

            if (changed)
            {
                string temporary = path + ".tmp";
                File.WriteAllBytes(temporary, data);
                File.Move(temporary, path, overwrite: true);
            }

            return true;
        }

        return false;
    }

    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;

    [DllImport("libc", EntryPoint = "dlopen")]
#pragma warning disable SYSLIB1054 // a plain P/Invoke is enough for one call at start-up
    private static extern IntPtr dlopen(string path, int flags);
#pragma warning restore SYSLIB1054
}
