#!/usr/bin/env bash
# Scores a model on the development set and prints the README's results table (markdown).
#   scripts/devset-table.sh [MODEL] [WORKDIR]
# MODEL: a model file (default: the embedded model). WORKDIR: where denoised files and per-file CSVs go
# (default: a temporary folder). Reads ../shared/data/devset (or $PERCEPNET_DATA/devset) and the DNSMOS models
# beside it. Dry rows: the devset's 32 utterances without reverberation; RNNoise rows: its published scores.csv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${PERCEPNET_DATA:-$root/../shared/data}
dev=$data/devset
model=${1:-}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
[ -z "${REUSE:-}" ] && dotnet build -c Release "$root/src/PercepNet.Lab" -v q -nologo > /dev/null
percepnet="$root/src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli"
lab="$root/src/PercepNet.Lab/bin/Release/net10.0/percepnet-lab"
modelopt=()
[ -n "$model" ] && modelopt=(--model "$model")

if [ -z "${REUSE:-}" ]; then  # REUSE=1: print the table again from WORKDIR's CSVs
rm -rf "$work/den" "$work/den-clean"
"$percepnet" denoise "$dev/noisy" -o "$work/den" "${modelopt[@]}" | tail -1 >&2
"$percepnet" denoise "$dev/clean" -o "$work/den-clean" "${modelopt[@]}" | tail -1 >&2
"$lab" eval --reference "$dev/clean" --degraded "$work/den" --dnsmos-dir "$data/dnsmos" --csv "$work/denoised.csv" > /dev/null 2>&1
"$lab" eval --reference "$dev/clean" --degraded "$work/den-clean" --dnsmos-dir "$data/dnsmos" --csv "$work/clean-through.csv" > /dev/null 2>&1
"$lab" eval --reference "$dev/clean" --degraded "$dev/clean" --dnsmos-dir "$data/dnsmos" --csv "$work/clean.csv" > /dev/null 2>&1
fi

# Means over the rows of a CSV whose id is in the chosen group; columns by header name.
awk -F, -v manifest="$dev/manifest.csv" -v scores="$dev/scores.csv" -v ours="$work/denoised.csv" \
    -v through="$work/clean-through.csv" -v clean="$work/clean.csv" '
function unq(s) { gsub(/"/, "", s); return s }
function id_of(file) { file = unq(file); sub(/\.wav$/, "", file); return file }
BEGIN {
  while ((getline line < manifest) > 0) {
    n = split(line, c, ",")
    if (c[1] == "id") { for (i = 1; i <= n; i++) if (c[i] == "rir") rc = i; continue }
    group[c[1]] = (c[rc] == "none") ? "dry" : "reverberant"
  }
  while ((getline line < scores) > 0) {
    n = split(line, c, ",")
    if (c[1] == "id") { for (i = 1; i <= n; i++) h[c[i]] = i; continue }
    g = group[c[1]]; cond = c[h["condition"]]
    cnt[cond, g]++
    split("stoi estoi si_sdr_db dnsmos_sig dnsmos_bak dnsmos_ovrl", keys, " ")
    for (k = 1; k <= 6; k++) sum[cond, g, k] += c[h[keys[k]]]
  }
  load(ours, "ours"); load(through, "through"); load(clean, "input-clean")
  printf "| dry utterances (%d) | STOI | ESTOI | SI-SDR dB | DNSMOS SIG | BAK | OVRL |\n|---|---|---|---|---|---|---|\n", cnt["ours", "dry"]
  row("noisy input", "noisy", "dry"); row("RNNoise 0.1.1", "rnnoise-0.1.1", "dry"); row("RNNoise 0.2", "rnnoise-0.2", "dry")
  row("PercepNet .NET", "ours", "dry")
  printf "\nReverberant utterances (%d), DNSMOS OVRL: noisy %.2f, RNNoise 0.2 %.2f, PercepNet .NET %.2f.\n", cnt["ours", "reverberant"],
    sum["noisy", "reverberant", 6] / cnt["noisy", "reverberant"], sum["rnnoise-0.2", "reverberant", 6] / cnt["rnnoise-0.2", "reverberant"],
    sum["ours", "reverberant", 6] / cnt["ours", "reverberant"]
  t = cnt["through", "dry"] + cnt["through", "reverberant"]
  printf "Clean speech through the model (%d files): STOI %.3f and SI-SDR %.1f dB against the input; DNSMOS OVRL %.2f (input %.2f).\n", t,
    (sum["through", "dry", 1] + sum["through", "reverberant", 1]) / t, (sum["through", "dry", 3] + sum["through", "reverberant", 3]) / t,
    (sum["through", "dry", 6] + sum["through", "reverberant", 6]) / t, (sum["input-clean", "dry", 6] + sum["input-clean", "reverberant", 6]) / t
}
function load(path, cond,    line, n, c, i, hh, g, k) {
  split("stoi estoi si_sdr dnsmos_sig dnsmos_bak dnsmos_ovrl", ks, " ")
  while ((getline line < path) > 0) {
    n = split(line, c, ",")
    if (unq(c[1]) == "file") { for (i = 1; i <= n; i++) hh[unq(c[i])] = i; continue }
    g = group[id_of(c[1])]; cnt[cond, g]++
    for (k = 1; k <= 6; k++) sum[cond, g, k] += c[hh[ks[k]]]
  }
}
function row(name, cond, g) {
  printf "| %s | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f |\n", name, sum[cond, g, 1] / cnt[cond, g], sum[cond, g, 2] / cnt[cond, g],
    sum[cond, g, 3] / cnt[cond, g], sum[cond, g, 4] / cnt[cond, g], sum[cond, g, 5] / cnt[cond, g], sum[cond, g, 6] / cnt[cond, g]
}' /dev/null
