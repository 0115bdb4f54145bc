#!/usr/bin/env bash
# Issue 24's protocol on data at hand: the other lab's crops (datasets/draaslan-bcd) stand in for a hospital's own
# microscope. Its 50 site corrections become a site dataset's train/val, its 50 held-back crops its test split; the
# released model is fine-tuned on the corrections with BCCD mixed in (as the trainer's site fine-tune does), its count
# thresholds recalibrated on the site's val split and the site's colour added to its domain, and the before/after
# table printed (SiteProtocol). Run from the repository root after `mvn -B -q -DskipTests install`:
#
#   trainer/site-protocol.sh [RUN_DIR] [MINUTES] [BCCD_SHARE]
#
# A finished training in RUN_DIR (its last.pt and "done in" in train.log) is reused. Needs python3 with torch.
set -euo pipefail
run=${1:-runs/site-protocol}
minutes=${2:-25}
mix_share=${3:-0.5}
python=${TRAINER_PYTHON:-/usr/bin/python3}
root=$(pwd)
mkdir -p "$run"
run=$(cd "$run" && pwd)
mvn -B -q -pl model-eval dependency:build-classpath -Dmdep.outputFile="$run/classpath.txt"
cp=$(cat "$run/classpath.txt")
java_eval() { java -Djava.awt.headless=true -cp "model-eval/target/classes:$cp" "$@"; }
step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "site dataset: corrections as train/val, held-back as test"
java_eval org.bloodcells.eval.ExportSiteDataset --out "$run/site"

if ! { [ -f "$run/train/last.pt" ] && grep -q "^done in" "$run/train.log" 2>/dev/null; }; then
  step "fine-tune of the released model, ${minutes} minutes, a share of ${mix_share} of the samples from BCCD train+val"
  (cd trainer/python && OMP_WAIT_POLICY=PASSIVE "$python" -m efficientdet.train --voc "$run/site" \
      --mix-voc "$root/datasets/bccd" --mix-splits train,val --mix-share "$mix_share" --out "$run/train" --epochs 1000 \
      --time-budget "$minutes" --batch-size 8 --crop 384 --lr 5e-4 --giou-weight 1.0 --eval-every 10 --threads 1 \
      --seed 1 --abnormal 0.5 --init "$root/models/efficientdet-d0-bccd.onnx") | tee "$run/train.log"
fi

step "export at the released model's input size and physical scale"
"$python" - "$root/models/efficientdet-d0-bccd.onnx" "$run/base-domain.json" <<'PY'
import json, sys, onnx
props = {p.key: p.value for p in onnx.load(sys.argv[1]).metadata_props}
keys = ("input_microns_per_pixel", "scale_reference", "count_thresholds", "colour_mean", "colour_std",
        "uncertain_share_limit")
json.dump({k: props[k] for k in keys if k in props}, open(sys.argv[2], "w"), indent=1)
PY
(cd trainer/python && "$python" -m efficientdet.export --checkpoint "$run/train/last.pt" --out "$run/site.onnx" \
    --version 1.3.0-site-draaslan --input-size 576 --domain "$run/base-domain.json")

step "count thresholds of RBC and WBC on the site's val split; the site's colour joins the domain"
java_eval org.bloodcells.eval.CalibrateModel --model "$run/site.onnx" --voc datasets/bccd --fit-voc "$run/site" \
    --fit-split val --count-classes RBC,WBC --also-stats "draaslan=$run/site" --out "$run/site-domain.json"
(cd trainer/python && "$python" -m efficientdet.export --restamp "$run/site.onnx" --domain "$run/site-domain.json")

step "before and after: the site's held-back 50 and BCCD test"
java_eval org.bloodcells.eval.SiteProtocol --site "$run/site" --model models/efficientdet-d0-bccd.onnx \
    --model "$run/site.onnx" | tee "$run/protocol.md"
