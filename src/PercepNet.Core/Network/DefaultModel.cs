using System.Reflection;

namespace PercepNet.Network;

/// <summary>
/// The model embedded in the library (Models/default.pnm, an int8 model file), so that the main job needs no
/// download. Builds without one (before a model has been trained and shipped) say so clearly.
/// </summary>
public static class DefaultModel
{
    private const string ResourceName = "PercepNet.Models.default.pnm";
    private static readonly Lazy<CompiledModel?> Compiled = new(LoadCompiled);

    /// <summary>Whether this build embeds a default model.</summary>
    public static bool IsAvailable => typeof(DefaultModel).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    /// <summary>The embedded model, compiled once and shared by every denoiser that uses it.</summary>
    public static CompiledModel Get() => Compiled.Value
        ?? throw new InvalidOperationException(
            "No default model is embedded in this build yet; load a model file with Denoiser.FromFile (or --model).");

    private static CompiledModel? LoadCompiled()
    {
        using Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new CompiledModel(ModelFile.Read(buffer.ToArray()));
    }
}
