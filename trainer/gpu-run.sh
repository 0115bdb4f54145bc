#!/usr/bin/env bash
# Trains EfficientDet-D0 from random weights on the GPU machine of the `device` tool in ONE call, and brings
# back what this machine needs to evaluate and release it (models/README.md, "Retraining"). From the
# repository root:
#
#   trainer/gpu-run.sh --stage     # here: copies BCCD into .device/bccd (git-ignored), which the call carries
#   device run: command "bash trainer/gpu-run.sh", carry [".device"], timeout_s 600
#
# A session's device time is short (15 minutes, the machine's start included), so the whole run is one
# command that ends well inside one call's 10 minutes: GPU_MINUTES of training, whose cosine schedule is
# paced to end with them, then a check on val.
#
# Settings, from the environment:
#   GPU_MINUTES (6.5)  GPU_SPLITS (train; val stays out, for choosing)  GPU_SEED (11)  GPU_BATCH (32)
#   GPU_CROP (512)   GPU_SCALE (512, the reference scale)  GPU_LR (2e-3)  GPU_SIZE (576, val.txt's S)
#   GPU_EVAL_EVERY (100 epochs)  GPU_EXTRA (more train.py arguments)  GPU_VOC (.device/bccd)
#   GPU_VAL_LIMIT (all of val; fewer images only for the CPU smoke test of this script)
# Writes to $OUT (what comes back from a call: at most 8 files): train.log, history.json, curve.png, last.pt
# (the EMA weights at the schedule's end), best.pt (those of the best val AP@0.5 among the periodic checks) and
# val.txt (the trainer's own evaluation of last.pt on val at the workers' settings, input GPU_SIZE (576); a
# hold-out only where GPU_SPLITS leaves val out). Here, export them with efficientdet.export and evaluate the
# ONNX files with the Java command of models/README.md before releasing anything; test decides nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
voc=${GPU_VOC:-$root/.device/bccd}

if [ "${1:-}" = "--stage" ]; then
  src=${2:-$root/datasets/bccd}
  mkdir -p "$root/.device"
  rm -rf "$root/.device/bccd"
  cp -r "$src" "$root/.device/bccd"
  echo "staged $(ls "$root/.device/bccd/JPEGImages" | wc -l) images in .device/bccd; carry \".device\" in the call"
  exit 0
fi

: "${OUT:?OUT is where the results go (the device tool sets it)}"
[ -d "$voc/Annotations" ] || { echo "no VOC dataset at $voc: run trainer/gpu-run.sh --stage here first" >&2; exit 2; }
python=${TRAINER_PYTHON:-python3}
run=$(mktemp -d)
export PYTHONUNBUFFERED=1
cd "$root/trainer/python"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

workers=$(( $(nproc) > 4 ? $(nproc) - 2 : 0 ))
# shellcheck disable=SC2086  # GPU_EXTRA is a list of arguments
"$python" -m efficientdet.train --voc "$voc" --out "$run" --train-splits "${GPU_SPLITS:-train}" \
  --epochs 100000 --time-budget "${GPU_MINUTES:-6.5}" --batch-size "${GPU_BATCH:-32}" --crop "${GPU_CROP:-512}" \
  --scale "${GPU_SCALE:-512}" --lr "${GPU_LR:-2e-3}" --seed "${GPU_SEED:-11}" --eval-every "${GPU_EVAL_EVERY:-100}" \
  --workers "$workers" --amp --giou-weight 1.0 ${GPU_EXTRA:-} 2>&1 | tee "$OUT/train.log"

# The weights come back as checkpoints (the EMA weights only: last.pt's optimiser state would not fit), and are
# exported here with the exporter every release has used.
"$python" -c 'import sys, torch; from efficientdet.evaluate import read_checkpoint
s = read_checkpoint(sys.argv[1]); s.pop("resume", None); torch.save(s, sys.argv[2])' \
  "$run/last.pt" "$OUT/last.pt"
cp "$run/best.pt" "$run/history.json" "$run/curve.png" "$OUT/" 2>/dev/null || true
# val is a hold-out only where GPU_SPLITS leaves it out; its progress and any error stay in the call's output (stderr),
# the table alone goes to val.txt
# with the post-processing exported models carry (config.POST_PROCESSING), the evaluator's defaults
"$python" -m efficientdet.evaluate --voc "$voc" --split val --checkpoint "$OUT/last.pt" --input-size "${GPU_SIZE:-576}" \
  ${GPU_VAL_LIMIT:+--limit "$GPU_VAL_LIMIT"} | tee "$OUT/val.txt" || echo "val evaluation failed (its error is above)"
ls -l "$OUT"
