#!/usr/bin/env bash
# Rebuilds examples/noisy.wav (and clean.wav, its reference) from synthetic material only: espeak-ng speech and
# generated noise (make_noise.py), mixed at 5 dB SNR by `percepnet-lab mix`. Needs espeak-ng and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
espeak-ng -v en-us -s 150 -w "$work/speech.wav" \
  "The quick brown fox jumps over the lazy dog. A noisy room makes speech hard to follow, but this one should sound clean."
python3 "$here/make_noise.py" "$work/noise.wav" 12 1
dotnet run -c Release --project "$here/../src/PercepNet.Lab" -- mix --speech "$work/speech.wav" --noise "$work/noise.wav" --snr 5 --seed 1 \
  -o "$here/noisy.wav" --clean-out "$here/clean.wav"
