using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using PercepNet.Features;

namespace PercepNet.Network;

/// <summary>A model file that cannot be used; the message says why in one line.</summary>
public sealed class ModelFormatException(string message) : Exception(message);

/// <summary>A model as stored: its parameters, how the weights were stored, and a free-text description (training recipe).</summary>
public sealed record Model(ModelParameters Parameters, Quantisation Quantisation, string Description = "")
{
    public ModelShape Shape => Parameters.Shape;
}

/// <summary>
/// The model file, version 1, little-endian: magic "PNETMODL"; u16 format version; u16 feature-extractor version;
/// u8 quantisation (0 float32, 1 int8); u8 and u16 reserved (0); eight i32 (dense, conv1, conv2, GRU, gain-GRU and
/// strength-GRU widths, conv1 and conv2 kernels); the preset and the description as u16-length UTF-8 strings; u32
/// tensor count; per tensor its name (u16-length UTF-8), u32 element count and data (float32, or for int8 files
/// the weight matrices as int8 = round(256·w) and the biases as float32); finally the CRC-32 of everything before it.
/// One reader and one writer, here; the training stack exports through <see cref="Write(Stream, Model)"/>.
/// </summary>
public static class ModelFile
{
    public const ushort FormatVersion = 1;
    private static readonly byte[] Magic = "PNETMODL"u8.ToArray();

    public static void Write(string path, Model model)
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
            File.Delete(temporary); // a refused model (e.g. a description too long) leaves nothing behind
            throw;
        }
    }

    public static void Write(Stream stream, Model model)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            ModelShape s = model.Shape;
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write((ushort)FeatureExtractor.Version);
            w.Write((byte)model.Quantisation);
            w.Write((byte)0);
            w.Write((ushort)0);
            foreach (int v in new[] { s.DenseWidth, s.Conv1Width, s.Conv2Width, s.GruWidth, s.GainGruWidth, s.StrengthGruWidth, ModelShape.Conv1Kernel, ModelShape.Conv2Kernel })
            {
                w.Write(v);
            }

            WriteString(w, s.Preset);
            WriteString(w, model.Description);
            var tensors = model.Parameters.Tensors().ToList();
            w.Write((uint)tensors.Count);
            foreach ((string name, float[] values, bool isWeight) in tensors)
            {
                WriteString(w, name);
                w.Write((uint)values.Length);
                if (model.Quantisation == Quantisation.Int8 && isWeight)
                {
                    foreach (float v in values)
                    {
                        w.Write(Int8WeightMatrix.Quantise(v));
                    }
                }
                else
                {
                    foreach (float v in values)
                    {
                        w.Write(v);
                    }
                }
            }
        }

        byte[] body = buffer.ToArray();
        stream.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(body));
        stream.Write(crc);
    }

    public static Model Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
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

    public static Model Read(ReadOnlySpan<byte> bytes)
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

        if (Crc32.HashToUInt32(bytes[..^4]) != stored)
        {
            throw new ModelFormatException("checksum mismatch (the file is corrupt)");
        }

        if (featureVersion != FeatureExtractor.Version)
        {
            throw new ModelFormatException($"trained on feature-extractor version {featureVersion}, but this library computes version {FeatureExtractor.Version}");
        }

        return new Model(parameters, quantisation, description);
    }

    private static void WriteString(BinaryWriter w, string text)
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

        public sbyte S8() => (sbyte)Take(1)[0];

        public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public string String() => Encoding.UTF8.GetString(Take(U16()));
    }
}
