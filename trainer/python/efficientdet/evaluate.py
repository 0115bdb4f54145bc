"""Python-side evaluation of a checkpoint or an exported ONNX file on a VOC split.

    python3 -m efficientdet.evaluate --voc DIR --split test --checkpoint runs/x/best.pt
    python3 -m efficientdet.evaluate --voc DIR --split test --onnx models/efficientdet-d0-bccd.onnx

The ONNX path needs the onnxruntime Python package (on the GPU machine); the checkpoint path
needs only torch. Both apply the contract's pre-processing and the Java core's post-processing.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from . import coco
from .anchors import generate_anchors
from .config import CLASSES, INPUT_SIZE, POST_PROCESSING
from .data import content_size, image_path, letterbox, load_image, read_annotation, read_image_facts, read_split
from .model import EfficientDetD0
from .postprocess import detections, flip_views


def read_checkpoint(path, device="cpu"):
    """A checkpoint this trainer wrote, as saved. weights_only=False: last.pt also holds the random state
    (Python and NumPy data) that --resume needs, which PyTorch 2.6+ refuses to load by default."""
    return torch.load(path, map_location=device, weights_only=False)


def load_checkpoint(path, device="cpu"):
    state = read_checkpoint(path, device)
    model = EfficientDetD0()
    model.load_state_dict(state["model"])
    return model.to(device).eval()


def torch_runner(model, device):
    def run(batch):
        with torch.no_grad():
            logits, deltas = model(batch.to(device))
        return torch.sigmoid(logits).float().cpu(), deltas.float().cpu()
    return run


def onnx_runner(path):
    import onnxruntime as ort
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])

    def run(batch):
        scores, deltas = session.run(["scores", "boxes"], {"images": batch.numpy()})
        return torch.from_numpy(scores), torch.from_numpy(deltas)
    return run


def onnx_input_size(path):
    import onnx
    props = {p.key: p.value for p in onnx.load(path).metadata_props}
    return int(props["input_size"])


def predict_split(run, voc_dir, ids, *, flips, vote_iou, soft_sigma, input_size, batch_size=8, score_threshold=0.001,
                  log=None, scale_mpp=None):
    """`scale_mpp`, where given, brings an image whose annotation states its microns per pixel to that scale
    instead of fitting its long side to input_size (data.VocDetection)."""
    ground_truth, predictions = [], []
    started = time.time()
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        facts = [read_image_facts(voc_dir, i) for i in chunk]
        images = [load_image(image_path(voc_dir, i, f[0])) for i, f in zip(chunk, facts)]
        prepared = [letterbox(im, input_size, f[1] / scale_mpp if f[1] and scale_mpp else None)
                    for im, f in zip(images, facts)]
        side = max(p[0].shape[-1] for p in prepared)
        anchors = generate_anchors(side)
        prepared = [(torch.nn.functional.pad(p[0], (0, side - p[0].shape[-1], 0, side - p[0].shape[-2])), p[1])
                    for p in prepared]
        scores, deltas = run(torch.cat([flip_views(p[0], flips, *content_size(im.shape[2], im.shape[1], p[1]))
                                        for p, im in zip(prepared, images)]))
        for j, image_id in enumerate(chunk):
            _, h, w = images[j].shape
            views = slice(j * flips, (j + 1) * flips)
            b, s, c = detections(scores[views], deltas[views], anchors, prepared[j][1], w, h, score_threshold,
                                 vote_iou=vote_iou, soft_sigma=soft_sigma)
            predictions.append((b.numpy(), s.numpy(), c.numpy()))
            gb, gl = read_annotation(voc_dir, image_id)
            ground_truth.append((gb.numpy(), gl.numpy()))
        if log:
            log(f"  [{min(start + batch_size, len(ids))}/{len(ids)}] {time.time() - started:.1f}s")
    return ground_truth, predictions


def evaluate(run, voc_dir, split, *, flips, vote_iou, soft_sigma, input_size, log=None, limit=None, scale_mpp=None):
    """COCO summary of the run on the split, with the given post-processing (no defaults: a caller says whether it
    measures the bare model or the settings a model carries, config.POST_PROCESSING)."""
    ids = read_split(voc_dir, split)[:limit]
    gt, pred = predict_split(run, voc_dir, ids, log=log, flips=flips, vote_iou=vote_iou, input_size=input_size,
                             soft_sigma=soft_sigma, scale_mpp=scale_mpp)
    _, _, summary = coco.evaluate(gt, pred, len(CLASSES))
    return summary


def format_table(summary):
    lines = [f"{'class':<10} {'AP@0.5':>8} {'AP@[.5:.95]':>12}"]
    for name, ap50, ap in zip(CLASSES, summary["per_class_AP50"], summary["per_class_AP"]):
        lines.append(f"{name:<10} {ap50:>8.4f} {ap:>12.4f}")
    lines.append(f"{'all':<10} {summary['AP50']:>8.4f} {summary['AP']:>12.4f}")
    lines.append(f"AP75 {summary['AP75']:.4f}  AP small {summary['AP_small']:.4f}  "
                 f"medium {summary['AP_medium']:.4f}  large {summary['AP_large']:.4f}  AR@100 {summary['AR100']:.4f}")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--voc", required=True)
    p.add_argument("--split", default="test")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--checkpoint")
    g.add_argument("--onnx")
    p.add_argument("--json", help="write the summary here")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--flips", type=int, default=POST_PROCESSING["test_time_flips"], choices=(1, 2, 4),
                   help="test-time views (default %(default)s, what exported models carry: test_time_flips)")
    p.add_argument("--vote-iou", type=float, default=POST_PROCESSING["box_voting_iou"],
                   help="box voting IoU, 0 = off (default %(default)s: box_voting_iou)")
    p.add_argument("--soft-nms", type=float, default=POST_PROCESSING["soft_nms_sigma"],
                   help="Gaussian soft-NMS sigma, 0 = greedy NMS (default %(default)s: soft_nms_sigma)")
    p.add_argument("--input-size", type=int, default=INPUT_SIZE,
                   help="S to letterbox to (a checkpoint; an ONNX file has its own, in metadata input_size)")
    p.add_argument("--limit", type=int, help="only the first N images of the split (smoke runs)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    run = onnx_runner(a.onnx) if a.onnx else torch_runner(load_checkpoint(a.checkpoint, device), device)
    input_size = onnx_input_size(a.onnx) if a.onnx else a.input_size
    summary = evaluate(run, a.voc, a.split, log=lambda m: print(m, file=sys.stderr, flush=True),
                       flips=a.flips, vote_iou=a.vote_iou, input_size=input_size, soft_sigma=a.soft_nms, limit=a.limit)
    print(format_table(summary))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
