"""Writes scenario.json: random ground truth and detections over 30 images, and the metrics the trainer's
COCO implementation (trainer/python/efficientdet/coco.py, pycocotools' algorithm) gives for them.
CocoEvaluatorParityTest checks that the Java evaluator agrees. Needs only numpy:

    python3 make_fixture.py ../../../../../trainer/python > scenario.json
"""
import json
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from efficientdet import coco  # noqa: E402

CLASSES = ["RBC", "WBC", "Platelets"]
rng = np.random.default_rng(20261123)
images = []
for i in range(30):
    gts, dets = [], []
    for k in range(3):
        for _ in range(int(rng.integers(0, 9 if k == 0 else 3))):
            side = float(rng.choice([12, 20, 28, 40, 60, 90, 120, 160]))
            x, y = float(rng.integers(0, 500)), float(rng.integers(0, 380))
            w, h = side * float(rng.uniform(0.7, 1.3)), side * float(rng.uniform(0.7, 1.3))
            box = [x, y, x + round(w * 4) / 4, y + round(h * 4) / 4]
            gts.append((box, k))
            if rng.random() < 0.85:                       # found, with jitter in quarter pixels
                j = rng.integers(-24, 25, 4) / 4 * (side / 40)
                d = [round((b + dj) * 4) / 4 for b, dj in zip(box, j)]
                dets.append((d, float(rng.integers(1, 1024)) / 1024, k))
            if rng.random() < 0.2:                        # a duplicate
                dets.append((box, float(rng.integers(1, 1024)) / 1024, k))
        for _ in range(int(rng.integers(0, 4))):          # false positives, sometimes of a class without ground truth
            x, y = float(rng.integers(0, 600)), float(rng.integers(0, 440))
            s = float(rng.choice([8, 30, 70, 110]))
            dets.append(([x, y, x + s, y + s], float(rng.integers(1, 1024)) / 1024, k))
    if i == 7:                                            # more than 100 detections of one class
        for _ in range(120):
            x, y = float(rng.integers(0, 600)), float(rng.integers(0, 440))
            dets.append(([x, y, x + 20, y + 20], float(rng.integers(1, 1024)) / 1024, 0))
    images.append({"truth": [{"cellClass": CLASSES[k], "box": b} for b, k in gts],
                   "detections": [{"cellClass": CLASSES[k], "score": s, "box": b} for b, s, k in dets]})

gt = [(np.array([g["box"] for g in im["truth"]]).reshape(-1, 4),
       np.array([CLASSES.index(g["cellClass"]) for g in im["truth"]], dtype=int)) for im in images]
pred = [(np.array([d["box"] for d in im["detections"]]).reshape(-1, 4),
         np.array([d["score"] for d in im["detections"]]),
         np.array([CLASSES.index(d["cellClass"]) for d in im["detections"]], dtype=int)) for im in images]
_, _, summary = coco.evaluate(gt, pred, len(CLASSES))
json.dump({"classes": CLASSES, "images": images, "expected": summary}, sys.stdout, separators=(",", ":"))
