using System.Buffers.Binary;
using System.Text;
using PercepNet.Dsp;
using PercepNet.Features;
using PercepNet.Network;

namespace PercepNet;

/// <summary>
/// A model as stored: its shape, how the weights were stored, a free-text description (training recipe) and the
/// tensors of its layer table, as the file holds them (an int8 file's weights stay int8 codes).
/// </summary>
internal sealed class StoredModel
{
    private ModelParameters? _parameters;

    /// <summary>A model made of float parameters, to be stored (or compiled) with <paramref name="quantisation"/>.</summary>
    public StoredModel(ModelParameters parameters, Quantisation quantisation, string description = "")
        : this(parameters.Shape, quantisation, description, parameters.Values())
    {
        _parameters = parameters;
    }

    private StoredModel(ModelShape shape, Quantisation quantisation, string description, TensorValues[] tensors)
    {
        Shape = shape;
        Quantisation = quantisation;
        Description = description;
        Tensors = tensors;
    }

    /// <summary>A model read from a file.</summary>
    internal static StoredModel FromFile(ModelShape shape, Quantisation quantisation, string description, TensorValues[] tensors) =>
        new(shape, quantisation, description, tensors);

    public ModelShape Shape { get; }

    public Quantisation Quantisation { get; }

    public string Description { get; }

    /// <summary>Every tensor of the layer table, in file order.</summary>
    public IReadOnlyList<TensorValues> Tensors { get; }

    /// <summary>The parameters in float (int8 codes divided by 256), for the tools that change or average them; made on first use.</summary>
    public ModelParameters Parameters => _parameters ??= ToParameters();

    /// <summary>The same tensors, to be stored with <paramref name="quantisation"/> (int8 codes become floats w = code/256; floats are quantised).</summary>
    public StoredModel WithQuantisation(Quantisation quantisation) =>
        new(Shape, quantisation, Description, [.. Tensors]) { _parameters = _parameters };

    /// <summary>The same model with another description.</summary>
    public StoredModel WithDescription(string description) =>
        new(Shape, Quantisation, description, [.. Tensors]) { _parameters = _parameters };

    /// <summary>The weights laid out for inference, from the tensors as stored.</summary>
    public CompiledModel Compile() => new(Shape, Tensors, Quantisation.ToPrecision());

    private ModelParameters ToParameters()
    {
        var parameters = new ModelParameters(Shape);
        int i = 0;
        foreach ((_, float[] values) in parameters.Tensors())
        {
            Tensors[i++].AsFloats().CopyTo(values, 0);
        }

        return parameters;
    }
}

/// <summary>
/// The model file, version 1, little-endian: magic "PNETMODL"; u16 format version; u16 feature-extractor version;
/// u8 quantisation (0 float32, 1 int8); u8 and u16 reserved (0); eight i32 (dense, conv1, conv2, GRU, gain-GRU and
/// strength-GRU widths, conv1 and conv2 kernels); the preset and the description as u16-length UTF-8 strings; u32
/// tensor count; per tensor its name (u16-length UTF-8), u32 element count and data (float32, or for int8 files
/// the weight matrices as int8 = round(256·w) and the biases as float32); finally the CRC-32 of everything before it.
/// The reader and the writer (for the training stack and the model tools) are both here.
/// </summary>
internal static class ModelFile
{
    public const ushort FormatVersion = 1;
    internal static readonly byte[] Magic = "PNETMODL"u8.ToArray();

    public static StoredModel Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ModelFormatException($"{path}: is a folder, not a model file");
        }

        if (!File.Exists(path))
        {
            throw new ModelFormatException($"{path}: no such file");
        }

        byte[] bytes;
        try
        {
            // A pipe or a device has no length: opening a FIFO would wait for a writer for ever, and /dev/zero would be
            // read until memory ran out. Every model is a regular file of known, bounded size.
            long length = new FileInfo(path).Length;
            if (length == 0)
            {
                throw new ModelFormatException($"{path}: is empty, or is not a regular file (a pipe or a device)");
            }

            if (length > MostBytes)
            {
                throw new ModelFormatException($"{path}: {length:N0} bytes is larger than any model ({MostBytes:N0} at most)");
            }

            // One buffer of the file's size: a model is megabytes, and a growing copy would allocate it several times.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            bytes = new byte[length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
            {
                throw new ModelFormatException($"{path}: grew while it was read");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{path}: cannot be read ({e.Message.TrimEnd('.')})");
        }

        try
        {
            return Read(bytes);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{path}: {e.Message}");
        }
    }

    /// <summary>
    /// The largest model file read: twice the paper-size network stored as float32 (about 32 MB). Anything longer is
    /// refused before it is read, so that a wrong path (a device, an endless stream) cannot exhaust memory.
    /// </summary>
    public const int MostBytes = 64 << 20;

    /// <summary>The whole of <paramref name="stream"/>, refused when it goes on past <see cref="MostBytes"/>.</summary>
    public static byte[] ReadAtMost(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MostBytes)
            {
                throw new ModelFormatException($"{name}: more than {MostBytes:N0} bytes, larger than any model");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static StoredModel Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ModelFormatException("not a PercepNet model file (bad magic)");
        }

        var r = new SpanReader(bytes[..^Math.Min(4, bytes.Length)]);
        r.Skip(Magic.Length);
        ushort version = r.U16();
        if (version > FormatVersion)
        {
            throw new ModelFormatException($"model format version {version} is newer than this library reads ({FormatVersion}); update PercepNet");
        }

        if (version < 1)
        {
            throw new ModelFormatException($"unknown model format version {version}");
        }

        if (bytes.Length < 64)
        {
            throw new ModelFormatException("truncated model file");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        ushort featureVersion = r.U16();
        var quantisation = (Quantisation)r.U8();
        r.Skip(3);
        int[] widths = new int[8];
        for (int i = 0; i < widths.Length; i++)
        {
            widths[i] = r.I32();
        }

        string preset = r.String();
        string description = r.String();
        if (quantisation is not (Quantisation.Float32 or Quantisation.Int8))
        {
            throw new ModelFormatException($"unknown quantisation scheme {(byte)quantisation}");
        }

        if (widths[6] != ModelShape.Conv1Kernel || widths[7] != ModelShape.Conv2Kernel)
        {
            throw new ModelFormatException($"convolution kernels {widths[6]} and {widths[7]} are not the {ModelShape.Conv1Kernel} and {ModelShape.Conv2Kernel} this runtime implements");
        }

        ModelShape shape;
        try
        {
            shape = new ModelShape(preset, widths[0], widths[1], widths[2], widths[3], widths[4], widths[5]);
            shape.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"bad layer shapes ({e.Message.TrimEnd('.')})");
        }

        var expected = shape.Tensors.ToList();
        uint count = r.U32();
        if (count != expected.Count)
        {
            throw new ModelFormatException($"{count} tensors where the {preset} layout has {expected.Count}");
        }

        var tensors = new TensorValues[expected.Count];
        for (int t = 0; t < expected.Count; t++)
        {
            TensorSpec spec = expected[t];
            string storedName = r.String();
            uint n = r.U32();
            if (storedName != spec.Name || n != spec.Length)
            {
                throw new ModelFormatException($"tensor '{storedName}' with {n} values where '{spec.Name}' with {spec.Length} was expected");
            }

            tensors[t] = quantisation == Quantisation.Int8 && spec.IsWeight ? TensorValues.OfCodes(r.Codes(spec.Length)) : TensorValues.Of(r.Floats(spec.Length));
        }

        if (!r.AtEnd)
        {
            throw new ModelFormatException("unexpected data after the last tensor");
        }

        if (Crc32.Compute(bytes[..^4]) != stored)
        {
            throw new ModelFormatException("checksum mismatch (the file is corrupt)");
        }

        if (featureVersion != FeatureExtractor.Version)
        {
            throw new ModelFormatException($"trained on feature-extractor version {featureVersion}, but this library computes version {FeatureExtractor.Version}");
        }

        return StoredModel.FromFile(shape, quantisation, description, tensors);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> through a temporary name in the same folder, renamed
    /// when complete: a refused model (e.g. a description too long) or a failed write leaves nothing behind.
    /// </summary>
    public static void Write(string path, StoredModel model)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + $".{Environment.ProcessId}.tmp";
        try
        {
            using (FileStream stream = File.Create(temporary))
            {
                Write(stream, model);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="model"/> in this format (int8 weights as their codes, quantising float ones).</summary>
    /// <exception cref="ArgumentException">The preset or the description is longer than the format holds.</exception>
    public static void Write(Stream stream, StoredModel model)
    {
        ModelShape s = model.Shape;
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) // little-endian everywhere
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write((ushort)FeatureExtractor.Version);
            w.Write((byte)model.Quantisation);
            w.Write((byte)0);
            w.Write((ushort)0);
            foreach (int v in (ReadOnlySpan<int>)[s.DenseWidth, s.Conv1Width, s.Conv2Width, s.GruWidth, s.GainGruWidth, s.StrengthGruWidth, ModelShape.Conv1Kernel, ModelShape.Conv2Kernel])
            {
                w.Write(v);
            }

            WriteText(w, s.Preset);
            WriteText(w, model.Description);
            var specs = s.Tensors.ToList();
            w.Write((uint)specs.Count);
            for (int t = 0; t < specs.Count; t++)
            {
                TensorValues values = model.Tensors[t];
                WriteText(w, specs[t].Name);
                w.Write((uint)values.Length);
                if (model.Quantisation == Quantisation.Int8 && specs[t].IsWeight)
                {
                    w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsCodes().AsSpan()));
                }
                else
                {
                    foreach (float v in values.AsFloats())
                    {
                        w.Write(v);
                    }
                }
            }
        }

        ReadOnlySpan<byte> body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        stream.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.Compute(body));
        stream.Write(crc);
    }

    private static void WriteText(BinaryWriter w, string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        if (utf8.Length > ushort.MaxValue)
        {
            throw new ArgumentException("String too long for the model file.");
        }

        w.Write((ushort)utf8.Length);
        w.Write(utf8);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (_position + n > _data.Length)
            {
                throw new ModelFormatException("truncated model file");
            }

            ReadOnlySpan<byte> s = _data.Slice(_position, n);
            _position += n;
            return s;
        }

        public void Skip(int n) => Take(n);

        public byte U8() => Take(1)[0];

        public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public string String() => Encoding.UTF8.GetString(Take(U16()));

        public sbyte[] Codes(int n) => [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(Take(n))];

        public float[] Floats(int n)
        {
            ReadOnlySpan<byte> bytes = Take(checked(4 * n));
            var values = new float[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
            }

            return values;
        }
    }
}
