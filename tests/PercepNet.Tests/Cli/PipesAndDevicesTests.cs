using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Paths that are not regular files — a FIFO nobody writes to, an endless device — given as a model or an input: one
/// line and exit 3 (at once, or for a FIFO after the wait for a writer), never a wait for ever or a read until memory
/// runs out.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class PipesAndDevicesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-fifo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (int Code, string Out, string Error) RunEnding(params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), "the command did not end within 30 s");
        return run.Result;
    }

    private string Fifo()
    {
        string path = Path.Combine(_root, "fifo");
        Skip.If(ChildProcess.Run("mkfifo", [path]).Code != 0, "mkfifo is not available");
        return path;
    }

    private string Input()
    {
        string path = Path.Combine(_root, "in.wav");
        File.WriteAllBytes(path, WavFiles.Build(new float[4800], 48000, 1, 16, false, false));
        return path;
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    public void AnEndlessDeviceAsTheModelIsRefusedUnread(string device)
    {
        var result = RunEnding("denoise", Input(), "-o", Path.Combine(_root, "out.wav"), "-m", device);
        Assert.Equal(3, result.Code);
        Assert.Contains($"error: {device}: is empty, or is not a regular file", result.Error);
    }

    [SkippableFact]
    public void AFifoAsTheModelIsRefusedAndOneNobodyWritesToIsGivenUpAfterTheWait()
    {
        string fifo = Fifo();
        var model = RunEnding("denoise", Input(), "-o", Path.Combine(_root, "out.wav"), "-m", fifo);
        Assert.Equal(3, model.Code);
        Assert.Contains($"error: {fifo}: is empty, or is not a regular file", model.Error);

        var input = RunEnding("denoise", fifo, Input(), "-o", Path.Combine(_root, "out"));
        Assert.Equal(3, input.Code);
        Assert.Contains($"error: {fifo}: is a pipe that no program wrote to within 10 s", input.Error);
        Assert.Contains("1 of 2 file(s) denoised, 1 failed", input.Out);
    }

    [Fact]
    public void AModelThatIsNotAModelIsAnInputError()
    {
        var result = RunEnding("denoise", Input(), "-o", Path.Combine(_root, "out.wav"), "-m", Input());
        Assert.Equal(3, result.Code);
        Assert.Contains("not a PercepNet model file", result.Error);
    }

    [Fact]
    public void AStreamLongerThanAnyModelIsRefusedBeforeItsEnd()
    {
        using var endless = new EndlessStream();
        var error = Assert.Throws<ModelFormatException>(() => Model.Load(endless));
        Assert.Contains("larger than any model", error.Message);
        Assert.InRange(endless.BytesRead, 64 << 20, (64 << 20) + (1 << 17));
    }

    /// <summary>Zeros without end, counting what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
