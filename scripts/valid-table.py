#!/usr/bin/env python3
"""Scores models and run-time options on held-out validation mixtures, never on the devset.

    scripts/valid-table.py --dataset DS --work DIR [--examples N] LABEL=OPTIONS...

Renders the first N segments of DS's validation split (held-out speakers and noises) once into DIR/ex with
`percepnet-lab dataset stats --split valid`, then for each LABEL=OPTIONS denoises them with `percepnet denoise OPTIONS`
(e.g. `model4=--model run6/best-int8.pnm` or `beta05=--postfilter-beta 0.05`; `default=` for the embedded model) and
scores the outputs against the rendered targets with `percepnet-lab eval`. Results are cached per label in DIR; delete
DIR/LABEL.csv to score a label again. Prints one markdown table per group of segments:
  dry          speech and noise, no reverberation, SNR 0-20 dB (the devset's conditions)
  reverberant  speech in a room, with or without noise
  all speech   every segment that has speech
"""
import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METRICS = [("stoi", "STOI", 3), ("estoi", "ESTOI", 3), ("si_sdr", "SI-SDR dB", 2), ("dnsmos_sig", "SIG", 2),
           ("dnsmos_bak", "BAK", 2), ("dnsmos_ovrl", "OVRL", 2)]


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}{result.stdout}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--examples", type=int, default=160)
    parser.add_argument("--data", default=os.environ.get("PERCEPNET_DATA", os.path.join(ROOT, "..", "shared", "data")))
    parser.add_argument("--percepnet", default=os.path.join(ROOT, "src/PercepNet.Cli/bin/Release/net10.0/PercepNet.Cli"),
                        help="the percepnet tool that denoises (build both with: dotnet build -c Release src/PercepNet.Lab)")
    parser.add_argument("--lab", default=os.path.join(ROOT, "src/PercepNet.Lab/bin/Release/net10.0/percepnet-lab"),
                        help="the percepnet-lab tool that renders and scores")
    parser.add_argument("specs", nargs="+", help="LABEL=OPTIONS for percepnet denoise")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    examples = os.path.join(work, "ex")
    if not os.path.isdir(examples):
        run([args.lab, "dataset", "stats", "--dataset", args.dataset, "--examples", str(args.examples),
             "--split", "valid", "--examples-dir", examples])
    noisy = sorted(f for f in os.listdir(examples) if f.endswith("-noisy.wav"))
    manifest = json.load(open(os.path.join(args.dataset, "manifest.json")))
    mixtures = {s["index"]: s["mixture"] for s in manifest["segments"] if s["split"] == "valid"}
    dnsmos = os.path.join(args.data, "dnsmos")

    def score(label, degraded_of):
        table = os.path.join(work, label + ".csv")
        if not os.path.exists(table):
            listing = os.path.join(work, label + ".list")
            with open(listing, "w") as f:
                for name in noisy:
                    f.write(f"{os.path.join(examples, name.replace('-noisy', '-target'))},{degraded_of(name)}\n")
            run([args.lab, "eval", "--list", listing, "--dnsmos-dir", dnsmos, "--csv", table])
        rows = {}
        for row in csv.DictReader(open(table)):
            index = int(os.path.basename(row["degraded"]).split("-")[1])
            rows[index] = row
        return rows

    results = {"noisy": score("noisy", lambda name: os.path.join(examples, name))}
    for spec in args.specs:
        label, _, options = spec.partition("=")
        out = os.path.join(work, label)
        if not os.path.exists(os.path.join(work, label + ".csv")):
            summary = run([args.percepnet, "denoise", *[os.path.join(examples, n) for n in noisy], "-o", out + "/",
                           *shlex.split(options)])
            print(f"{label}: {summary.strip().splitlines()[-1]}", file=sys.stderr)
        results[label] = score(label, lambda name, out=out: os.path.join(out, name))

    def dry(m):
        return m["hasSpeech"] and m["hasNoise"] and m["room"] == "none" and 0 <= m["snrDb"] <= 20

    groups = [("dry", dry), ("reverberant", lambda m: m["hasSpeech"] and m["room"] != "none"),
              ("all speech", lambda m: m["hasSpeech"])]
    indices = sorted(results["noisy"])
    for name, member in groups:
        chosen = [i for i in indices if member(mixtures[i])]
        print(f"\n| {name} ({len(chosen)}) | " + " | ".join(h for _, h, _ in METRICS) + " |")
        print("|---" * (len(METRICS) + 1) + "|")
        for label, rows in results.items():
            cells = []
            for key, _, digits in METRICS:
                values = [float(rows[i][key]) for i in chosen if rows[i][key] not in ("", "NaN")]
                cells.append(f"{statistics.mean(values):.{digits}f}" if values else "—")
            print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
