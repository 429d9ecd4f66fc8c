#!/usr/bin/env bash
# Regenerates the README's speed table: whole-process CPU and peak memory of `percepnet denoise` against RNNoise
# 0.1.1's C demo on the same 300 s file (../shared/anchors/speed-vs-rnnoise.sh, alternated pairs, medians), for both
# forms of the tool (the NativeAOT executable x86-64 Linux installs, and the framework-dependent build other platforms
# get), and the C library against the managed stream. Prints a Markdown table with the date; run it on a quiet machine.
#   scripts/speed-table.sh [PAIRS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pairs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/scripts/build-single-file.sh" "$work/aot" > /dev/null
dotnet build "$root/src/PercepNet.Cli" -c Release -nologo -v q > /dev/null

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mb() { awk '{ printf "%.1f", $1 / 1024 }'; }
# anchor CLI: prints "ratio ours_s theirs_s ours_peak_MB theirs_peak_MB" from one run of the anchor script.
anchor() {
  local out="$work/anchor.txt"
  RUNS="$pairs" WORK="$work/anchor" "$root/../shared/anchors/speed-vs-rnnoise.sh" "$1" > "$out"
  echo "$(sed -n 's/^median CPU ratio[^:]*: \([0-9.]*\).*/\1/p' "$out")" \
    "$(sed -n 's/^pair [0-9]*: ours \([0-9.]*\) s.*/\1/p' "$out" | median)" \
    "$(sed -n 's/.*RNNoise \([0-9.]*\) s CPU.*/\1/p' "$out" | median)" \
    "$(sed -n 's/^pair [0-9]*: ours [0-9.]* s CPU (\([0-9]*\) KB peak).*/\1/p' "$out" | median | mb)" \
    "$(sed -n 's/.*RNNoise [0-9.]* s CPU (\([0-9]*\) KB peak).*/\1/p' "$out" | median | mb)"
}
read -r ratio_aot ours_aot theirs_aot peak_aot rnpeak_aot < <(anchor "$work/aot/percepnet")
read -r ratio_jit ours_jit theirs_jit peak_jit rnpeak_jit < <(anchor "$root/src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli")

"$root/scripts/build-native.sh" "$work/native" > /dev/null
native48=$("$root/bench/native-vs-managed.sh" "$work/native" 300 "$pairs" 48000)
n48=$(sed -n 's/.*C library \([0-9.]*\) us.*/\1/p' <<< "$native48"); m48=$(sed -n 's/.*managed \([0-9.]*\) us.*/\1/p' <<< "$native48")
cat << TABLE
Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), medians of $pairs alternated runs:

| what | ours | RNNoise 0.1.1 (C, -O2) | ratio |
|---|---|---|---|
| \`percepnet denoise\` as installed on x86-64 Linux (NativeAOT), 300 s of 48 kHz audio, whole process CPU | $ours_aot s | $theirs_aot s | $ratio_aot |
| peak resident memory of that process | $peak_aot MB | $rnpeak_aot MB | |
| the same, framework-dependent build (the tool package of other platforms) | $ours_jit s | $theirs_jit s | $ratio_jit |
| peak resident memory of that process | $peak_jit MB | $rnpeak_jit MB | |
| C library (NativeAOT), CPU per 10 ms block, 48 kHz stream | $n48 µs | | |
| managed \`StreamDenoiser\`, CPU per 10 ms block, same stream | $m48 µs | | |
TABLE
