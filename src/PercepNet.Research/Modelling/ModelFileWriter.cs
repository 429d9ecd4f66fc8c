using System.Buffers.Binary;
using System.Text;
using PercepNet.Features;
using PercepNet.Network;

namespace PercepNet.Modelling;

/// <summary>
/// Writes model files in the format that <see cref="ModelFile"/> reads (see there for the layout): the training stack's
/// exports, and the model tools (random, convert, average). A file is written to a temporary name and renamed, so a
/// refused model leaves nothing behind.
/// </summary>
internal static class ModelFileWriter
{
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
            File.Delete(temporary); // a refused model (e.g. a description too long) leaves nothing behind
            throw;
        }
    }

    public static void Write(Stream stream, StoredModel model)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            ModelShape s = model.Shape;
            w.Write(ModelFile.Magic);
            w.Write(ModelFile.FormatVersion);
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
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.Compute(body));
        stream.Write(crc);
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
}
