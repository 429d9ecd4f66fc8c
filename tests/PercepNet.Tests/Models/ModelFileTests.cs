using PercepNet.Network;

namespace PercepNet.Tests.Models;

public class ModelFileTests
{
    private static byte[] Serialise(StoredModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(stream, model);
        return stream.ToArray();
    }

    [Fact]
    public void Float32RoundTripsExactly()
    {
        var parameters = RandomModel.Create(ModelShape.Small, 3);
        StoredModel read = ModelFile.Read(Serialise(new StoredModel(parameters, Quantisation.Float32, "recipe: test")));
        Assert.Equal(ModelShape.Small, read.Shape);
        Assert.Equal(Quantisation.Float32, read.Quantisation);
        Assert.Equal("recipe: test", read.Description);
        foreach (var (expected, actual) in parameters.Tensors().Zip(read.Parameters.Tensors()))
        {
            Assert.Equal(expected.Spec, actual.Spec);
            Assert.Equal(expected.Values, actual.Values);
        }
    }

    [Fact]
    public void Int8StoresQuantisedWeightsAndFloatBiases()
    {
        var parameters = RandomModel.Create(ModelShape.Small, 4);
        byte[] int8 = Serialise(new StoredModel(parameters, Quantisation.Int8));
        byte[] float32 = Serialise(new StoredModel(parameters, Quantisation.Float32));
        Assert.True(int8.Length < float32.Length / 3.5, $"{int8.Length} vs {float32.Length} bytes");
        StoredModel read = ModelFile.Read(int8);
        foreach (var (expected, actual) in parameters.Tensors().Zip(read.Parameters.Tensors()))
        {
            for (int i = 0; i < expected.Values.Length; i++)
            {
                float want = expected.Spec.IsWeight ? Int8WeightMatrix.Quantise(expected.Values[i]) / 256f : expected.Values[i];
                Assert.Equal(want, actual.Values[i]);
            }
        }

        // Quantising the read weights again changes nothing: what runs is what was stored.
        Assert.Equal(int8, Serialise(read));
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "magic", "bad magic" },
        { "future", "newer than this library reads" },
        { "truncated", "truncated" },
        { "checksum", "checksum mismatch" },
        { "empty", "bad magic" },
        { "features", "feature-extractor version" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void BadFilesAreRefusedSayingWhy(string corruption, string message)
    {
        byte[] bytes = Serialise(new StoredModel(RandomModel.Create(ModelShape.Small, 5), Quantisation.Int8));
        switch (corruption)
        {
            case "magic": bytes[0] = (byte)'X'; break;
            case "future": bytes[8] = 99; break;
            case "truncated": bytes = bytes[..(bytes.Length / 2)]; break;
            case "checksum": bytes[bytes.Length / 2] ^= 0x10; break;
            case "empty": bytes = []; break;
            case "features":
                bytes[10] = 99;
                // Re-seal the checksum so that only the version is wrong.
                uint crc = System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4));
                BitConverter.GetBytes(crc).CopyTo(bytes, bytes.Length - 4);
                break;
        }

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void FileErrorsNameTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"percepnet-{Guid.NewGuid():N}.pnm");
        File.WriteAllBytes(path, [1, 2, 3]);
        try
        {
            var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(path));
            Assert.StartsWith(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AveragingIsTheElementWiseMean()
    {
        ModelParameters a = RandomModel.Create(ModelShape.Small, 1), b = RandomModel.Create(ModelShape.Small, 2);
        ModelParameters mean = CheckpointAverage.Of([a, b, a]);
        foreach (((_, float[] x), (_, float[] y), (_, float[] m)) in a.Tensors().Zip(b.Tensors(), mean.Tensors()))
        {
            for (int i = 0; i < m.Length; i++)
            {
                Assert.True(Math.Abs((((2.0 * x[i]) + y[i]) / 3) - m[i]) < 1e-7, $"{m[i]} vs {x[i]}, {y[i]}");
            }
        }

        Assert.Throws<ArgumentException>(() => CheckpointAverage.Of([a, RandomModel.Create(ModelShape.Medium, 1)]));
        Assert.Throws<ArgumentException>(() => CheckpointAverage.Of([]));
    }

    [Fact]
    public void ARefusedModelLeavesNoFileBehind()
    {
        string directory = Directory.CreateTempSubdirectory("percepnet-model-").FullName;
        try
        {
            string path = Path.Combine(directory, "long.pnm");
            var model = new StoredModel(RandomModel.Create(ModelShape.Small, 1), Quantisation.Int8, new string('x', 70_000));
            Assert.Throws<ArgumentException>(() => ModelFile.Write(path, model));
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AnInt8ModelLoadsWithoutFloatCopiesOfItsWeights()
    {
        // The int8 codes go from the file into the int8 matrices as they are: the load allocates the file, the codes
        // and the compiled matrices (about 3.3 times the file), not a float per weight (once about 9 times).
        string path = Repository.PathOf("src", "PercepNet", "Models", "default.pnm");
        long fileBytes = new FileInfo(path).Length;
        _ = Model.Load(path); // compiles the code on the way
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = Model.Load(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 * fileBytes, $"{allocated:N0} bytes allocated to load a {fileBytes:N0}-byte int8 model");
    }
}
