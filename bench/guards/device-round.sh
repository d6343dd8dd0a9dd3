#!/usr/bin/env bash
# One fine-tuning round on a lent GPU machine, as one command: trains the encoder with every setting of round 13
# (lr 2e-5, 3e-5, 5e-5 x 2 or 4 epochs; about two minutes on one H200) and writes the train step's output folder.
#
# Prepare the folder here first (everything the device needs, 64 MiB at most; see bench/RESULTS.md, "Guards", rounds
# 13-15, for the commands that make each file):
#   FOLDER/base16.npz      finetune-encoder.py pack --half
#   FOLDER/vocab.txt       encoder-check.cs --export
#   FOLDER/train.jsonl     declarative guard train --write-training-set
#   FOLDER/init-head.json  the logistic head that guard train wrote with it
#   FOLDER/check.jsonl     encoder-check.cs --out (the .NET embeddings the PyTorch reading must match)
#   FOLDER/validation/*.jsonl  the --validation files of that guard train
# then, with the device tool: carry FOLDER and run `bash bench/guards/device-round.sh FOLDER "$OUT/round"`.
# Extra arguments go to `finetune-encoder.py train` (e.g. --settings 5e-5:2 for one setting, --limit 64 for a smoke test).
set -euo pipefail
folder=${1:?usage: device-round.sh FOLDER OUT [train options]}
out=${2:?usage: device-round.sh FOLDER OUT [train options]}
shift 2
for file in base16.npz vocab.txt train.jsonl init-head.json check.jsonl; do
  [[ -f "$folder/$file" ]] || { echo "device-round.sh: $folder/$file is missing (see the comment at the top of this script)" >&2; exit 2; }
done
shopt -s nullglob
validation=("$folder"/validation/*.jsonl)
(( ${#validation[@]} > 0 )) || { echo "device-round.sh: $folder/validation/ holds no .jsonl files; the setting is chosen on them" >&2; exit 2; }
python=${PYTHON:-python3}
"$python" -c "import torch, numpy" 2>/dev/null || { echo "device-round.sh: $python lacks PyTorch or NumPy" >&2; exit 2; }
"$python" -c "import torch; print('CUDA:', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
args=()
for file in "${validation[@]}"; do args+=(--validation "$file"); done
mkdir -p "$out"
"$python" "$(dirname "$0")/finetune-encoder.py" train --base "$folder/base16.npz" --vocab "$folder/vocab.txt" \
  --train "$folder/train.jsonl" --check "$folder/check.jsonl" --init-head "$folder/init-head.json" "${args[@]}" \
  --settings 2e-5:2 2e-5:4 3e-5:2 3e-5:4 5e-5:2 5e-5:4 --out "$out" "$@" 2>&1 | tee "$out/train.log"
