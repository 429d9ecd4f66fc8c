using System.Globalization;
using PercepNet.Features;
using PercepNet.Network;
using PercepNet.Pipeline;

namespace PercepNet;

/// <summary>
/// A trained PercepNet network, ready to run: immutable, and shared by every <see cref="Denoiser"/> made from it (one
/// per channel or stream), which may run on different threads at once. <see cref="Default"/> is the model embedded
/// in this library; <see cref="Load(string)"/> reads a model file (<c>.pnm</c>).
/// </summary>
public sealed class Model
{
    internal Model(CompiledModel compiled, string description)
    {
        Compiled = compiled;
        Description = description;
    }

    internal Model(StoredModel stored)
        : this(stored.Compile(), stored.Description)
    {
    }

    /// <summary>The model embedded in this library (medium preset, int8 weights).</summary>
    /// <exception cref="InvalidOperationException">This build embeds no model.</exception>
    public static Model Default => DefaultModel.Get();

    /// <summary>The model file format version this library reads (newer files are refused).</summary>
    public static int FileFormatVersion => ModelFile.FormatVersion;

    /// <summary>The version of the input features this library computes; a model trained on another is refused.</summary>
    public static int FeatureVersion => FeatureExtractor.Version;

    /// <summary>The network's size preset: <c>small</c>, <c>medium</c> or <c>paper</c>.</summary>
    public string Preset => Compiled.Shape.Preset;

    /// <summary>The layer widths, e.g. "dense 128, conv 256/256, GRU 256, gain GRU 128, strength GRU 64".</summary>
    public string Architecture
    {
        get
        {
            ModelShape s = Compiled.Shape;
            return string.Create(CultureInfo.InvariantCulture,
                $"dense {s.DenseWidth}, conv {s.Conv1Width}/{s.Conv2Width}, GRU {s.GruWidth}, gain GRU {s.GainGruWidth}, strength GRU {s.StrengthGruWidth}");
        }
    }

    /// <summary>Number of weights and biases.</summary>
    public long ParameterCount => Compiled.Shape.ParameterCount;

    /// <summary>How the weights are stored and multiplied.</summary>
    public Quantisation Quantisation => Compiled.Precision.ToQuantisation();

    /// <summary>Free text stored with the model: its name, version and training recipe.</summary>
    public string Description { get; }

    internal CompiledModel Compiled { get; }

    /// <summary>
    /// Computes now, not in the first process call after a digital silence, what the silence skip needs (about 0.2 s
    /// once per model): for real-time entry points, where a call must not take that long.
    /// </summary>
    internal void PrepareForLiveUse() => _ = SilenceSettling.Of(Compiled);

    /// <summary>Reads a model file.</summary>
    /// <param name="path">The file (<c>.pnm</c>).</param>
    /// <exception cref="ModelFormatException">The file cannot be read or is not a model this library runs; the message names the file.</exception>
    public static Model Load(string path) => new(ModelFile.Read(path));

    /// <summary>Reads a model from a stream (to its end).</summary>
    /// <param name="stream">The model file's bytes.</param>
    /// <exception cref="ModelFormatException">The bytes are not a model this library runs (a stream longer than 64 MiB, more than any model, is refused without being read to its end).</exception>
    public static Model Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position is long left and > 0 and <= ModelFile.MostBytes)
        {
            // One buffer of the right size, not a growing copy: a model is megabytes.
            byte[] bytes = new byte[left];
            stream.ReadExactly(bytes);
            return new Model(ModelFile.Read(bytes));
        }

        // A stream without a length (or with one no model has) is read up to the largest model and refused beyond it.
        return new Model(ModelFile.Read(ModelFile.ReadAtMost(stream, "the stream")));
    }

    /// <summary>The preset, weights and description in one line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Preset} ({ParameterCount:N0} parameters, {Quantisation}): {Description}");
}
