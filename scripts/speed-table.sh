#!/usr/bin/env bash
# Regenerates the README's speed table: whole-process CPU and peak memory of `percepnet denoise` against RNNoise
# 0.1.1's C demo on the same 300 s file (../shared/anchors/speed-vs-rnnoise.sh, alternated pairs, medians), and the
# C library against the managed stream. Prints a Markdown table with the date; run it on a quiet machine.
#   scripts/speed-table.sh [PAIRS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pairs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/PercepNet.Cli" -c Release -nologo -v q > /dev/null
RUNS="$pairs" WORK="$work/anchor" "$root/../shared/anchors/speed-vs-rnnoise.sh" "$root/src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli" > "$work/anchor.txt"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio=$(sed -n 's/^median CPU ratio[^:]*: \([0-9.]*\).*/\1/p' "$work/anchor.txt")
ours=$(sed -n 's/^pair [0-9]*: ours \([0-9.]*\) s.*/\1/p' "$work/anchor.txt" | median)
theirs=$(sed -n 's/.*RNNoise \([0-9.]*\) s CPU.*/\1/p' "$work/anchor.txt" | median)
peak=$(sed -n 's/^pair [0-9]*: ours [0-9.]* s CPU (\([0-9]*\) KB peak).*/\1/p' "$work/anchor.txt" | median)
rnpeak=$(sed -n 's/.*RNNoise [0-9.]* s CPU (\([0-9]*\) KB peak).*/\1/p' "$work/anchor.txt" | median)
"$root/scripts/build-native.sh" "$work/native" > /dev/null
native48=$("$root/bench/native-vs-managed.sh" "$work/native" 300 "$pairs" 48000)
n48=$(sed -n 's/.*C library \([0-9.]*\) us.*/\1/p' <<< "$native48"); m48=$(sed -n 's/.*managed \([0-9.]*\) us.*/\1/p' <<< "$native48")
cat << TABLE
Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), medians of $pairs alternated runs:

| what | ours | RNNoise 0.1.1 (C, -O2) | ratio |
|---|---|---|---|
| \`percepnet denoise\`, 300 s of 48 kHz audio, whole process CPU | $ours s | $theirs s | $ratio |
| peak resident memory of that process | $(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }') MB | $(awk -v k="$rnpeak" 'BEGIN { printf "%.1f", k / 1024 }') MB | |
| C library (NativeAOT), CPU per 10 ms block, 48 kHz stream | $n48 µs | | |
| managed \`StreamDenoiser\`, CPU per 10 ms block, same stream | $m48 µs | | |
TABLE
