#!/usr/bin/env bash
# CPU per 10 ms block of the C library (NativeAOT) against the managed StreamDenoiser, on the same synthetic stream,
# alternating the two PAIRS times (default 5) and printing the medians and their ratio.
#   bench/native-vs-managed.sh [NATIVE_DIR] [SECONDS] [PAIRS] [RATE]
# NATIVE_DIR is a scripts/build-native.sh output (built into a temporary folder when not given).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
native="${1:-}" seconds="${2:-120}" pairs="${3:-5}" rate="${4:-48000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$native" ]; then
  native="$work/native"
  "$root/scripts/build-native.sh" "$native" > /dev/null
fi
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=199309L -I "$native/include" "$root/tests/native/c_api_test.c" -L "$native/lib" \
  -lpercepnet -Wl,-rpath,"$native/lib" -ldl -lm -o "$work/c_api_test"
dotnet build "$root/bench/PercepNet.Benchmarks" -c Release -nologo -v q > /dev/null
bench="$root/bench/PercepNet.Benchmarks/bin/Release/net10.0/PercepNet.Benchmarks.dll"
value() { sed -n 's/.*cpu-us-per-10ms=\([0-9.]*\).*/\1/p'; }
for i in $(seq "$pairs"); do
  "$work/c_api_test" soak "$seconds" "$rate" | value >> "$work/native.txt"
  dotnet "$bench" stream-cpu "$seconds" "$rate" | value >> "$work/managed.txt"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
n="$(median "$work/native.txt")" m="$(median "$work/managed.txt")"
echo "CPU per 10 ms at $rate Hz, median of $pairs alternated runs of $seconds s: C library $n us, managed $m us, ratio $(awk -v a="$n" -v b="$m" 'BEGIN { printf "%.3f", a / b }')"
