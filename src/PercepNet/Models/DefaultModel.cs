using System.Reflection;

namespace PercepNet;

/// <summary>
/// The model embedded in the library (Models/default.pnm, an int8 model file), so that the main job needs no
/// download. Read and compiled once, on first use.
/// </summary>
internal static class DefaultModel
{
    private const string ResourceName = "PercepNet.Models.default.pnm";
    private static readonly Lazy<Model?> Loaded = new(Load);

    /// <summary>Whether this build embeds a default model.</summary>
    public static bool IsAvailable => typeof(DefaultModel).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    /// <summary>The embedded model, shared by every denoiser that uses it.</summary>
    public static Model Get() => Loaded.Value
        ?? throw new InvalidOperationException("This build embeds no default model; load a model file with Model.Load.");

    private static Model? Load()
    {
        using Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName);
        if (stream is UnmanagedMemoryStream mapped)
        {
            // The resource lies in the mapped assembly: read it where it is.
            unsafe
            {
                return new Model(ModelFile.Read(new ReadOnlySpan<byte>(mapped.PositionPointer, checked((int)mapped.Length))));
            }
        }

        return stream is null ? null : Model.Load(stream);
    }
}
