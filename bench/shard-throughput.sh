#!/usr/bin/env bash
# Files per second of one `percepnet denoise` process against two processes running shards 0/2 and 1/2 at once, on
# FILES copies of short devset clips in nested folders (each process -j 1), alternated PAIRS times; prints medians
# and the ratio (2 processes / 1). The corpus-cleaning case: many short files, start-up and I/O included.
#   bench/shard-throughput.sh PERCEPNET [FILES] [PAIRS] [DEVSET]
# PERCEPNET: the tool (scripts/build-single-file.sh's percepnet, or src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli).
set -euo pipefail
tool="${1:?usage: bench/shard-throughput.sh PERCEPNET [FILES] [PAIRS] [DEVSET]}"
files="${2:-400}" pairs="${3:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
devset="${4:-$root/../shared/data/devset}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
clips=("$devset"/noisy/*.wav)
for i in $(seq 0 $((files - 1))); do
  folder="$work/in/speaker$((i % 10))/session$((i % 4))"
  mkdir -p "$folder"
  cp "${clips[$((i % ${#clips[@]}))]}" "$folder/utterance$i.wav"
done
now() { date +%s.%N; }
rate() { awk -v n="$files" -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", n / (b - a) }'; }
for p in $(seq "$pairs"); do
  rm -rf "$work/one" "$work/two"
  t0=$(now)
  "$tool" denoise "$work/in" --root "$work/in" -o "$work/one" -j 1 > /dev/null 2>&1
  t1=$(now)
  "$tool" denoise "$work/in" --root "$work/in" -o "$work/two" -j 1 --shard 0/2 > /dev/null 2>&1 &
  a=$!
  "$tool" denoise "$work/in" --root "$work/in" -o "$work/two" -j 1 --shard 1/2 > /dev/null 2>&1 &
  b=$!
  wait "$a" "$b"
  t2=$(now)
  echo "$(rate "$t0" "$t1") $(rate "$t1" "$t2")" >> "$work/rates.txt"
  echo "pair $p: 1 process $(rate "$t0" "$t1") files/s, 2 processes $(rate "$t1" "$t2") files/s"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
one=$(cut -d' ' -f1 "$work/rates.txt" | median)
two=$(cut -d' ' -f2 "$work/rates.txt" | median)
echo "median of $pairs: 1 process $one files/s, 2 processes $two files/s, ratio $(awk -v a="$two" -v b="$one" 'BEGIN { printf "%.2f", a / b }') ($files files, $(nproc) cores)"
