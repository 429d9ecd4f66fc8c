using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>Sees each block of a file as it is denoised: the input block, and the output that became ready with it.</summary>
/// <param name="input">Interleaved input frames (empty at the end of the file).</param>
/// <param name="output">Interleaved output frames ready so far (the last call carries the tail).</param>
public delegate void DenoisedBlockHandler(ReadOnlySpan<float> input, ReadOnlySpan<float> output);

/// <summary>How raw PCM is encoded on a stream.</summary>
public enum PcmEncoding
{
    /// <summary>Signed 16-bit little-endian integers.</summary>
    S16LE,

    /// <summary>32-bit little-endian IEEE floats.</summary>
    F32LE,
}

/// <summary>
/// Denoising of whole files and of raw PCM streams at any sample rate and channel count: each channel is resampled to
/// 48 kHz, denoised by its own <see cref="Denoiser"/> (all sharing one <see cref="Model"/>) and resampled back.
/// </summary>
public static class AudioDenoising
{
    /// <summary>
    /// Denoises an audio file (WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus) into a WAV file — or a FLAC file, when
    /// <paramref name="outputPath"/> ends in .flac — at the input's rate and channel count, block by block (memory
    /// stays flat on long files). The output is written to a temporary file and renamed into place, so a failure
    /// leaves no partial file and an existing output untouched.
    /// </summary>
    /// <param name="inputPath">The recording.</param>
    /// <param name="outputPath">The WAV or FLAC file to write (not the input).</param>
    /// <param name="model">The model; null for <see cref="Model.Default"/>.</param>
    /// <param name="options">Run-time settings; null for the defaults.</param>
    /// <param name="keepDelay">Keep the denoiser's delay (1919 samples at 48 kHz) instead of lining the output up with the input.</param>
    /// <param name="format">
    /// How the output stores samples; null keeps the input's resolution (<see cref="KeptFormat"/>; a FLAC output then
    /// has the input's bit depth).
    /// </param>
    /// <param name="onBlock">Called with each block as it is processed (progress, pictures); may be null.</param>
    /// <returns>The seconds of audio denoised.</returns>
    /// <exception cref="AudioFormatException">The input cannot be read or denoised, or the output cannot be written; the message names the file.</exception>
    public static double DenoiseFile(string inputPath, string outputPath, Model? model = null, DenoiserOptions? options = null,
        bool keepDelay = false, WavSampleFormat? format = null, DenoisedBlockHandler? onBlock = null)
        => DenoiseFile(inputPath, outputPath, _ => { }, model, options, keepDelay, format, onBlock);

    /// <summary>
    /// <see cref="DenoiseFile(string, string, Model?, DenoiserOptions?, bool, WavSampleFormat?, DenoisedBlockHandler?)"/>,
    /// telling <paramref name="warn"/> when the input was cut off (<see cref="IAudioReader.Truncation"/>): its audio is
    /// denoised all the same.
    /// </summary>
    internal static double DenoiseFile(string inputPath, string outputPath, Action<string> warn, Model? model, DenoiserOptions? options,
        bool keepDelay, WavSampleFormat? format, DenoisedBlockHandler? onBlock)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(outputPath);
        RefuseToOverwrite(inputPath, outputPath);
        return Denoise(inputPath, reader => IsFlac(outputPath)
            ? new FlacWriter(outputPath, reader.SampleRate, reader.Channels, format is { } chosen ? FlacBits(chosen) : KeptFlacBits(reader))
            : new WavWriter(outputPath, reader.SampleRate, reader.Channels, format ?? KeptFormat(reader)), model, options, keepDelay, onBlock, warn);
    }

    /// <summary>Whether a path names a FLAC file (by its extension, as outputs are chosen).</summary>
    public static bool IsFlac(string path) => Path.GetExtension(path).Equals(".flac", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The WAV format that keeps a reader's resolution: 32-bit float for float input or integers wider than 24 bits,
    /// 24-bit for 17 to 24 bits, and 16-bit for the rest, lossy formats included.
    /// </summary>
    /// <param name="reader">The input.</param>
    /// <returns>The format.</returns>
    public static WavSampleFormat KeptFormat(IAudioReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsFloat ? WavSampleFormat.Float32
            : reader.BitsPerSample switch { > 24 => WavSampleFormat.Float32, > 16 => WavSampleFormat.Pcm24, _ => WavSampleFormat.Pcm16 };
    }

    /// <summary>FLAC's bit depth for a reader: the input's own (4 to 32), 24 for float input, 16 for lossy formats.</summary>
    private static int KeptFlacBits(IAudioReader reader) =>
        reader.IsFloat ? 24 : reader.BitsPerSample is int bits ? Math.Clamp(bits, 4, 32) : 16;

    private static int FlacBits(WavSampleFormat format) => format switch { WavSampleFormat.Pcm24 => 24, WavSampleFormat.Float32 => 32, _ => 16 };

    /// <summary>
    /// Denoises an audio file into a WAV stream (e.g. standard output), as <see cref="DenoiseFile(string, string, Model?, DenoiserOptions?, bool, WavSampleFormat?, DenoisedBlockHandler?)"/>
    /// does into a file. The header's sizes are the input's length when its container says (a file that cannot say
    /// gets sizes meaning "to the end of the stream").
    /// </summary>
    /// <param name="inputPath">The recording.</param>
    /// <param name="output">Where the WAV goes; left open.</param>
    /// <param name="model">The model; null for <see cref="Model.Default"/>.</param>
    /// <param name="options">Run-time settings; null for the defaults.</param>
    /// <param name="format">How the output stores samples; null keeps the input's resolution (<see cref="KeptFormat"/>).</param>
    /// <param name="onBlock">Called with each block as it is processed; may be null.</param>
    /// <returns>The seconds of audio denoised.</returns>
    /// <exception cref="AudioFormatException">The input cannot be read or denoised.</exception>
    public static double DenoiseFile(string inputPath, Stream output, Model? model = null, DenoiserOptions? options = null,
        WavSampleFormat? format = null, DenoisedBlockHandler? onBlock = null)
        => DenoiseFile(inputPath, output, _ => { }, model, options, format, onBlock);

    /// <summary>
    /// <see cref="DenoiseFile(string, Stream, Model?, DenoiserOptions?, WavSampleFormat?, DenoisedBlockHandler?)"/>, telling
    /// <paramref name="warn"/> when the input was cut off.
    /// </summary>
    internal static double DenoiseFile(string inputPath, Stream output, Action<string> warn, Model? model, DenoiserOptions? options,
        WavSampleFormat? format, DenoisedBlockHandler? onBlock)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(output);
        return Denoise(inputPath, reader => new WavWriter(output, reader.SampleRate, reader.Channels, format ?? KeptFormat(reader), reader.LengthFrames),
            model, options, keepDelay: false, onBlock, warn);
    }

    /// <summary>Refuses an output that is the input, also through links: writing it would replace the file the input's name leads to.</summary>
    private static void RefuseToOverwrite(string inputPath, string outputPath)
    {
        bool same;
        try
        {
            same = ResolvedPath.Same(inputPath, outputPath);
        }
        catch (IOException)
        {
            throw new AudioFormatException(outputPath, "too many levels of symbolic links on the way to it or to the input");
        }

        if (same)
        {
            // Also through links: writing the output would replace the file the input's name leads to.
            throw new AudioFormatException(outputPath, "refusing to overwrite the input file");
        }
    }

    private static double Denoise(string inputPath, Func<IAudioReader, IAudioWriter> createWriter, Model? model, DenoiserOptions? options,
        bool keepDelay, DenoisedBlockHandler? onBlock, Action<string> warn)
    {
        using IAudioReader reader = AudioFile.OpenRead(inputPath);
        if (DenoisePipeline.Refuses(reader.SampleRate, reader.Channels) is string problem)
        {
            throw new AudioFormatException(inputPath, problem);
        }

        var pipeline = new DenoisePipeline(model ?? Model.Default, options ?? new DenoiserOptions(), reader.SampleRate, reader.Channels, !keepDelay);
        using IAudioWriter writer = createWriter(reader);
        var block = new float[Math.Max(1, reader.SampleRate / 2) * reader.Channels];
        var noisy = new float[block.Length]; // the input of a block, for the handler (the block is denoised in place)
        long frames = 0;
        int got;
        while ((got = reader.Read(block)) > 0)
        {
            frames += got;
            Span<float> input = block.AsSpan(0, got * reader.Channels);
            if (onBlock is not null)
            {
                input.CopyTo(noisy);
            }

            Span<float> denoised = pipeline.Process(input);
            writer.Write(denoised);
            onBlock?.Invoke(noisy.AsSpan(0, input.Length), denoised);
        }

        if (frames == 0)
        {
            throw new AudioFormatException(inputPath, "contains no audio samples");
        }

        for (Span<float> tail = pipeline.Finish(block); !tail.IsEmpty; tail = pipeline.Finish(block))
        {
            writer.Write(tail);
            onBlock?.Invoke([], tail);
        }

        writer.Commit();
        if (reader.Truncation is string truncation)
        {
            warn(truncation);
        }

        if (reader.ChecksumMismatch is string mismatch)
        {
            warn(mismatch);
        }

        return frames / (double)reader.SampleRate;
    }

    /// <summary>
    /// Denoises raw interleaved PCM from <paramref name="input"/> to <paramref name="output"/> as it arrives, 10 ms at a
    /// time, until the input ends; then writes the tail. The output lags the input by the denoiser's latency (40 ms at
    /// 48 kHz) and has that many more frames; an empty input gives an empty output. A trailing partial frame is
    /// dropped, and its size returned.
    /// </summary>
    /// <param name="input">Raw PCM in.</param>
    /// <param name="output">Raw PCM out, in the same encoding; flushed after every block.</param>
    /// <param name="sampleRate">Frames per second (8 to 384 kHz).</param>
    /// <param name="channels">Interleaved channels (1 to 64).</param>
    /// <param name="encoding">How samples are encoded.</param>
    /// <param name="model">The model; null for <see cref="Model.Default"/>.</param>
    /// <param name="options">Run-time settings; null for the defaults.</param>
    /// <returns>The bytes at the end of the input that did not make a whole frame (0 for a well-formed stream).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rate or channel count is out of range.</exception>
    /// <exception cref="IOException">Reading or writing failed (e.g. the output pipe was closed).</exception>
    public static int DenoiseStream(Stream input, Stream output, int sampleRate, int channels, PcmEncoding encoding = PcmEncoding.S16LE,
        Model? model = null, DenoiserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var pipeline = new DenoisePipeline(model ?? Model.Default, options ?? new DenoiserOptions(), sampleRate, channels, compensateDelay: false);
        (model ?? Model.Default).PrepareForLiveUse();
        bool asFloat = encoding == PcmEncoding.F32LE;
        int bytesPerSample = asFloat ? 4 : 2;
        int frameBytes = bytesPerSample * channels;
        var buffer = new byte[Math.Max(1, sampleRate / 100) * frameBytes];
        int pending = 0;
        var samples = new float[buffer.Length / bytesPerSample];
        byte[] outBytes = [];
        while (true)
        {
            int n = input.Read(buffer, pending, buffer.Length - pending);
            bool end = n == 0;
            pending += n;
            int whole = pending / frameBytes * frameBytes;
            if (whole > 0)
            {
                int count = whole / bytesPerSample;
                for (int i = 0; i < count; i++)
                {
                    samples[i] = asFloat
                        ? BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(i * 4))
                        : BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(i * 2)) / 32768f;
                }

                WritePcm(output, pipeline.Process(samples.AsSpan(0, count)), asFloat, ref outBytes);
                Array.Copy(buffer, whole, buffer, 0, pending - whole);
                pending -= whole;
            }

            if (end)
            {
                for (Span<float> tail = pipeline.Finish(samples); !tail.IsEmpty; tail = pipeline.Finish(samples))
                {
                    WritePcm(output, tail, asFloat, ref outBytes);
                }

                return pending;
            }
        }
    }

    private static void WritePcm(Stream output, ReadOnlySpan<float> samples, bool asFloat, ref byte[] bytes)
    {
        int size = samples.Length * (asFloat ? 4 : 2);
        if (bytes.Length < size)
        {
            bytes = new byte[size];
        }

        for (int i = 0; i < samples.Length; i++)
        {
            if (asFloat)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), samples[i]);
            }
            else
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)Math.Clamp(MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue));
            }
        }

        output.Write(bytes, 0, size);
        output.Flush();
    }
}
