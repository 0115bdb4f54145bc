"""Export a checkpoint to ONNX following models/CONTRACT.md (inputs, outputs, metadata).

    python3 -m efficientdet.export --checkpoint runs/x/best.pt --out models/efficientdet-d0-bccd.onnx \
        --name efficientdet-d0-bccd --version 1.0.0 [--input-size 576]

The network is fully convolutional: the input side S is chosen at export (on val), not in training.
"""
import argparse
import hashlib
import inspect
import os

import onnx
import torch

from .config import ANCHOR_SCALE, CLASSES, INPUT_SIZE, LEVELS, MEAN, RATIOS, SCALES, STD
from .evaluate import load_checkpoint
from .model import ExportedDetector


def metadata(name, version, input_size=INPUT_SIZE):
    return {
        "model_name": name,
        "model_version": version,
        "classes": ",".join(CLASSES),
        "input_size": str(input_size),
        "levels": ",".join(str(v) for v in LEVELS),
        "anchor_scale": str(ANCHOR_SCALE),
        "scales": ",".join(repr(v) for v in SCALES),
        "ratios": ",".join(f"{rx}:{ry}" for rx, ry in RATIOS),
        "mean": ",".join(str(v) for v in MEAN),
        "std": ",".join(str(v) for v in STD),
    }


def export(model, out, name, version, input_size=INPUT_SIZE, opset=13):
    """Writes the file complete or not at all: it is built beside `out` and renamed over it, so a detect worker
    watching `out` (it reloads a changed model file) never reads a half-written model."""
    partial = out + ".partial"
    wrapped = ExportedDetector(model.cpu()).eval()   # export restores the wrapper's mode: eval, not train
    dummy = torch.zeros(1, 3, input_size, input_size)
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False   # the TorchScript exporter gives the same graph on torch 1.13 and 2.x
    torch.onnx.export(wrapped, dummy, partial, input_names=["images"], output_names=["scores", "boxes"],
                      dynamic_axes={"images": {0: "batch"}, "scores": {0: "batch"}, "boxes": {0: "batch"}},
                      opset_version=opset, do_constant_folding=True, **kwargs)
    proto = onnx.load(partial)
    for key, value in metadata(name, version, input_size).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save(proto, partial)
    with open(partial, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    os.replace(partial, out)
    return digest


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--name", default="efficientdet-d0-bccd")
    p.add_argument("--version", required=True)
    p.add_argument("--input-size", type=int, default=INPUT_SIZE,
                   help="S, the side the workers letterbox to; training's reference scale stays config.INPUT_SIZE")
    a = p.parse_args(argv)
    digest = export(load_checkpoint(a.checkpoint), a.out, a.name, a.version, a.input_size)
    print(f"wrote {a.out} sha256 {digest}")


if __name__ == "__main__":
    main()
