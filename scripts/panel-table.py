#!/usr/bin/env python3
"""Compares models family by family on the validation panel (held-out speakers and noises), never on the devset.

    scripts/panel-table.py --panel DIR [--data DATA] [--per-cell N] BASELINE=OPTIONS CANDIDATE=OPTIONS...

Writes the panel into DIR once with `percepnet-lab dataset panel` (for each noise family and each 5 dB band of SNR
from 0 to 25 dB, N dry mixtures of held-out speakers with that noise alone), then for each LABEL=OPTIONS denoises it
with `percepnet denoise OPTIONS` (e.g. `model7=` for the embedded model, `large=--model large`,
`run39e4=--model /work/train/run39/epoch-4-int8.pnm`) and scores the outputs with `percepnet-lab eval`: STOI, ESTOI,
SI-SDR, DNSMOS OVRL and the band fidelity (the speech's level at 8-12, 12-16 and 16-20 kHz relative to the clean
reference; the noise's attenuation above 8 kHz in speech pauses). Scores are cached in DIR/scores/LABEL.csv; delete one
to score that label again.

Prints, by noise family and by SNR band, each label's means; for every label after the first, the paired difference
from the first label with its 95 % interval (Student's t over the items), starred where the interval excludes zero.
"""
import argparse
import csv
import math
import os
import shlex
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (column, heading, digits, higher is better)
METRICS = [("stoi", "STOI", 3), ("estoi", "ESTOI", 3), ("si_sdr", "SI-SDR dB", 2), ("dnsmos_ovrl", "OVRL", 2),
           ("speech_db_8_12", "speech 8-12k dB", 2), ("speech_db_12_16", "speech 12-16k dB", 2),
           ("speech_db_16_20", "speech 16-20k dB", 2), ("pause_atten_high", "pause atten >8k dB", 1)]
QUALITY = ["stoi", "estoi", "si_sdr", "dnsmos_ovrl"]


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode not in (0, 3):  # 3: some file could not be scored; the rest are
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}{result.stdout}")
    return result.stdout


def t_quantile(df):
    """The 97.5 % quantile of Student's t with df degrees of freedom (Cornish-Fisher expansion about the normal's)."""
    z = 1.959964
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--panel", required=True, help="the panel's folder (written there when it holds none)")
    parser.add_argument("--per-cell", type=int, default=12, help="mixtures per family and SNR band of a new panel")
    parser.add_argument("--seed", type=int, default=1, help="seed of a new panel")
    parser.add_argument("--data", default=os.environ.get("PERCEPNET_DATA", os.path.join(ROOT, "..", "shared", "data")))
    parser.add_argument("--percepnet", default=os.path.join(ROOT, "src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli"),
                        help="the percepnet tool that denoises (build both with: dotnet build -c Release src/PercepNet.Lab)")
    parser.add_argument("--lab", default=os.path.join(ROOT, "src/PercepNet.Lab/bin/Release/net10.0/percepnet-lab"),
                        help="the percepnet-lab tool that writes the panel and scores")
    parser.add_argument("specs", nargs="+", help="LABEL=OPTIONS for percepnet denoise; the first is the baseline")
    args = parser.parse_args()
    panel = os.path.abspath(args.panel)
    listing = os.path.join(panel, "panel.csv")
    if not os.path.exists(listing):
        run([args.lab, "dataset", "panel", "--data", args.data, "-o", panel, "--per-cell", str(args.per_cell),
             "--seed", str(args.seed)])
    items = {row["id"]: row for row in csv.DictReader(open(listing))}
    os.makedirs(os.path.join(panel, "scores"), exist_ok=True)
    dnsmos = os.path.join(args.data, "dnsmos")

    def score(label, folder):
        table = os.path.join(panel, "scores", label + ".csv")
        if not os.path.exists(table):
            pairs = os.path.join(panel, "scores", label + ".list")
            with open(pairs, "w") as f:
                for id in items:
                    f.write(f"../clean/{id}.wav,../{folder}/{id}.wav,../noisy/{id}.wav\n")
            run([args.lab, "eval", "--list", pairs, "--dnsmos-dir", dnsmos, "--manifest", listing, "--csv", table])
        rows = {}
        for row in csv.DictReader(open(table)):
            id = os.path.splitext(os.path.basename(row["degraded"]))[0]
            pauses = [number(row.get(f"pause_atten_db_{band}")) for band in ("8_12", "12_16", "16_20")]
            pauses = [p for p in pauses if p is not None]
            row["pause_atten_high"] = statistics.mean(pauses) if pauses else None
            rows[id] = {key: number(row[key]) if key in row else None for key, _, _ in METRICS}
        return rows

    results = {"input": score("input", "noisy")}
    labels = []
    for spec in args.specs:
        label, _, options = spec.partition("=")
        if label in ("input", "") or not label.replace("-", "").replace("_", "").isalnum():
            sys.exit(f"{label!r}: a label is letters, digits, '-' and '_', and not 'input'")
        out = os.path.join("out", label)
        if not os.path.exists(os.path.join(panel, "scores", label + ".csv")):
            summary = run([args.percepnet, "denoise", os.path.join(panel, "noisy"), "-o", os.path.join(panel, out) + "/",
                           "--float", *shlex.split(options)])
            print(f"{label}: {summary.strip().splitlines()[-1] if summary.strip() else 'done'}", file=sys.stderr)
        results[label] = score(label, out)
        labels.append(label)
    baseline = labels[0]

    def cell(label, key, digits, chosen):
        values = [results[label][i][key] for i in chosen if results[label][i][key] is not None]
        if not values:
            return "—"
        text = f"{statistics.mean(values):.{digits}f}"
        if label not in ("input", baseline):
            diffs = [results[label][i][key] - results[baseline][i][key] for i in chosen
                     if results[label][i][key] is not None and results[baseline][i][key] is not None]
            if len(diffs) >= 2:
                mean = statistics.mean(diffs)
                half = t_quantile(len(diffs) - 1) * statistics.stdev(diffs) / math.sqrt(len(diffs))
                star = "*" if abs(mean) > half else ""
                text += f" ({mean:+.{digits}f} ±{half:.{digits}f}{star})"
        return text

    families = list(dict.fromkeys(row["family"] for row in items.values()))
    bands = list(dict.fromkeys(row["snr_band"] for row in items.values()))
    groupings = [("family", [(f, [i for i in items if items[i]["family"] == f]) for f in families]),
                 ("SNR band, dB", [(b, [i for i in items if items[i]["snr_band"] == b]) for b in bands])]
    everything = list(items)
    print(f"Validation panel {panel}: {len(items)} mixtures; differences from {baseline} with their 95 % intervals, "
          "* where the interval excludes 0.")
    for heading, groups in groupings:
        for key, title, digits in METRICS:
            print(f"\n| {title} by {heading} | " + " | ".join(["input", *labels]) + " |")
            print("|---" * (len(labels) + 2) + "|")
            for name, chosen in [*groups, ("all", everything)]:
                print(f"| {name} ({len(chosen)}) | " + " | ".join(cell(l, key, digits, chosen) for l in ["input", *labels]) + " |")

    # Verdicts: a candidate is worse where a quality metric's interval lies wholly below zero.
    print()
    for label in labels[1:]:
        worse, better = [], []
        for family, chosen in groupings[0][1]:
            for key in QUALITY:
                diffs = [results[label][i][key] - results[baseline][i][key] for i in chosen
                         if results[label][i][key] is not None and results[baseline][i][key] is not None]
                if len(diffs) < 2:
                    continue
                mean = statistics.mean(diffs)
                half = t_quantile(len(diffs) - 1) * statistics.stdev(diffs) / math.sqrt(len(diffs))
                if mean + half < 0:
                    worse.append(f"{family} {key}")
                elif mean - half > 0:
                    better.append(f"{family} {key}")
        print(f"{label} against {baseline}: better on {', '.join(better) or 'nothing'}; "
              f"worse on {', '.join(worse) or 'nothing'}")


if __name__ == "__main__":
    main()
