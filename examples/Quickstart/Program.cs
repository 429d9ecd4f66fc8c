using PercepNet;
using PercepNet.Audio;

string input = args.Length > 0 ? args[0] : "noisy.wav";
string output = args.Length > 1 ? args[1] : "denoised.wav";

// Any WAV, MP3 or Ogg file, mixed to mono and resampled to the denoiser's 48 kHz.
float[] noisy = AudioFile.ReadMono48k(input);

var denoiser = new Denoiser();                          // the embedded model; one denoiser per channel
var denoised = new float[noisy.Length + denoiser.Latency];
denoiser.Process(noisy, denoised.AsSpan(0, noisy.Length));   // any block size; the output lags by Latency samples
denoiser.Flush(denoised.AsSpan(noisy.Length));               // the last Latency samples

// Drop the delay so the output lines up with the input, and write 16-bit WAV.
WavWriter.WriteMono(output, denoised.AsSpan(denoiser.Latency), Denoiser.SampleRate);
Console.WriteLine($"{output}: {noisy.Length / (double)Denoiser.SampleRate:F1} s denoised by the {Model.Default.Preset} model");
