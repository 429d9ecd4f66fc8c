using NAudio.Wave;
using PercepNet;
using PercepNet.Audio;

string input = args.Length > 0 ? args[0] : "noisy.wav";
string output = args.Length > 1 ? args[1] : "denoised.wav";

// A pull-model NAudio graph: file → denoiser → 16-bit WAV. Any rate and channel count; the denoiser keeps them.
using var reader = new WaveFileReader(input);
var denoised = new DenoisingSampleProvider(reader.ToSampleProvider(), options: new DenoiserOptions { AttenuationLimitDb = 30 });
WaveFileWriter.CreateWaveFile16(output, denoised);
Console.WriteLine($"{output}: {reader.TotalTime.TotalSeconds:F1} s at {reader.WaveFormat.SampleRate} Hz, {reader.WaveFormat.Channels} channel(s)");
