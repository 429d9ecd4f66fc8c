using System.Buffers.Binary;
using System.Text;
using PercepNet.Features;

namespace PercepNet.Network;

/// <summary>A model as stored: its parameters, how the weights were stored, and a free-text description (training recipe).</summary>
internal sealed record StoredModel(ModelParameters Parameters, Quantisation Quantisation, string Description = "")
{
    public ModelShape Shape => Parameters.Shape;
}

/// <summary>
/// The model file, version 1, little-endian: magic "PNETMODL"; u16 format version; u16 feature-extractor version;
/// u8 quantisation (0 float32, 1 int8); u8 and u16 reserved (0); eight i32 (dense, conv1, conv2, GRU, gain-GRU and
/// strength-GRU widths, conv1 and conv2 kernels); the preset and the description as u16-length UTF-8 strings; u32
/// tensor count; per tensor its name (u16-length UTF-8), u32 element count and data (float32, or for int8 files
/// the weight matrices as int8 = round(256·w) and the biases as float32); finally the CRC-32 of everything before it.
/// The reader is here; the training stack and the model tools write through PercepNet.Research's ModelFileWriter.
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

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            bytes = ReadAtMost(stream, path);
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

        ModelParameters parameters;
        try
        {
            parameters = new ModelParameters(new ModelShape(preset, widths[0], widths[1], widths[2], widths[3], widths[4], widths[5]));
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"bad layer shapes ({e.Message.TrimEnd('.')})");
        }

        var expected = parameters.Tensors().ToList();
        uint count = r.U32();
        if (count != expected.Count)
        {
            throw new ModelFormatException($"{count} tensors where the {preset} layout has {expected.Count}");
        }

        foreach ((string name, float[] values, bool isWeight) in expected)
        {
            string stored_name = r.String();
            uint n = r.U32();
            if (stored_name != name || n != values.Length)
            {
                throw new ModelFormatException($"tensor '{stored_name}' with {n} values where '{name}' with {values.Length} was expected");
            }

            bool int8 = quantisation == Quantisation.Int8 && isWeight;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = int8 ? r.S8() / Int8WeightMatrix.WeightScale : r.F32();
            }
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

        return new StoredModel(parameters, quantisation, description);
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

        public sbyte S8() => (sbyte)Take(1)[0];

        public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public string String() => Encoding.UTF8.GetString(Take(U16()));
    }
}
