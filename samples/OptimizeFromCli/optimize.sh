#!/usr/bin/env bash
# Optimizes ReviewProgram from the command line, then evaluates and inspects the result.
# Offline by default (data/offline-model.jsonl, keyword rules); LM=openai:gpt-4o-mini ./optimize.sh for a real model.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
lm=${LM:-scripted:data/offline-model.jsonl}
out=${OUT:-$(mktemp -d)}
dotnet build -c Release --nologo -v q .
declarative=(dotnet "$root/src/Cli/bin/Release/net10.0/declarative.dll")
[ -f "${declarative[1]}" ] || dotnet build "$root/src/Cli" -c Release --nologo -v q

program=(--assembly bin/Release/net10.0/OptimizeFromCli.dll --program OptimizeFromCli.ReviewProgram --metric SameSentiment)
"${declarative[@]}" optimize "${program[@]}" --trainset data/train.jsonl --devset data/dev.jsonl \
  --optimizer random-search --auto light --seed 0 --lm "$lm" --cache "$out/cache.db" --out "$out/review.json"
"${declarative[@]}" evaluate "${program[@]}" --program-state "$out/review.json" --devset data/dev.jsonl --lm "$lm" --cache "$out/cache.db"
"${declarative[@]}" inspect "$out/review.json" --assembly bin/Release/net10.0/OptimizeFromCli.dll --program OptimizeFromCli.ReviewProgram | head -40
echo "report folder: $out/review.run"
