"""Export a checkpoint to ONNX following models/CONTRACT.md (inputs, outputs, metadata).

    python3 -m efficientdet.export --checkpoint runs/x/best.pt --out models/efficientdet-d0-bccd.onnx \
        --name efficientdet-d0-bccd --version 1.0.0 [--input-size 576] [--set test_time_flips=1 ...]
    python3 -m efficientdet.export --restamp models/old.onnx [--set ...] [--domain calibration.json]

The network is fully convolutional: the input side S is chosen at export (on val), not in training. So is the
post-processing the model carries (config.POST_PROCESSING unless --set says otherwise), which the workers run.
--restamp gives a model exported before the contract required those keys the ones it lacks, in place, graph and
weights untouched; the detection core refuses a model without them.

--domain FILE.json adds the optional keys (DOMAIN_KEYS: physical scale, count thresholds, training statistics) that
model-eval's CalibrateModel measured for the model with the workers' own code; --restamp with --domain replaces them.
"""
import json
import argparse
import hashlib
import inspect
import os

import onnx
import torch

from .config import ANCHOR_SCALE, CLASSES, INPUT_SIZE, LEVELS, MEAN, POST_PROCESSING, RATIOS, SCALES, STD
from .evaluate import load_checkpoint
from .model import ExportedDetector


# The optional metadata (models/CONTRACT.md) that CalibrateModel writes; the detection core's ModelDomain reads them.
DOMAIN_KEYS = ("input_microns_per_pixel", "scale_reference", "count_thresholds", "colour_mean", "colour_std",
               "colour_domains", "uncertain_share_limit")


def read_domain(path):
    """The optional metadata in a CalibrateModel JSON file; refuses keys it does not know."""
    with open(path) as f:
        domain = json.load(f)
    unknown = sorted(set(domain) - set(DOMAIN_KEYS))
    if unknown:
        raise ValueError(f"{path}: not model domain keys: {', '.join(unknown)} (known: {', '.join(DOMAIN_KEYS)})")
    return {k: str(v) for k, v in domain.items()}


def metadata(name, version, input_size=INPUT_SIZE, post_processing=None, domain=None):
    settings = dict(POST_PROCESSING, **(post_processing or {}))
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
        **{key: str(value) for key, value in settings.items()},
        **(domain or {}),
    }


def export(model, out, name, version, input_size=INPUT_SIZE, opset=13, post_processing=None, domain=None):
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
    for key, value in metadata(name, version, input_size, post_processing, domain).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save(proto, partial)
    with open(partial, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    os.replace(partial, out)
    return digest


def restamp(path, post_processing=None, domain=None, version=None):
    """Adds the post-processing keys the model at `path` lacks; keeps those it has, except the domain keys given,
    which replace the model's, and the version, where given. Renamed over the file whole, as export does. Returns the
    keys added or replaced."""
    proto = onnx.load(path)
    replaced = set(domain or {}) | ({"model_version"} if version else set())
    kept = [p for p in proto.metadata_props if p.key not in replaced]
    del proto.metadata_props[:]
    proto.metadata_props.extend(kept)
    present = {p.key for p in proto.metadata_props}
    added = {k: v for k, v in dict(POST_PROCESSING, **(post_processing or {})).items() if k not in present}
    added.update(domain or {})
    if version:
        added["model_version"] = version
    for key, value in added.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.checker.check_model(proto)
    onnx.save(proto, path + ".partial")
    os.replace(path + ".partial", path)
    return added


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint")
    p.add_argument("--out")
    p.add_argument("--name", default="efficientdet-d0-bccd")
    p.add_argument("--version")
    p.add_argument("--restamp", metavar="FILE.onnx", help="add the post-processing keys an exported model lacks")
    p.add_argument("--input-size", type=int, default=INPUT_SIZE,
                   help="S, the side the workers letterbox to; training's reference scale stays config.INPUT_SIZE")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="post-processing the model carries, instead of config.POST_PROCESSING's: "
                        + ", ".join(POST_PROCESSING))
    p.add_argument("--domain", metavar="FILE.json",
                   help="optional metadata measured by model-eval's CalibrateModel: " + ", ".join(DOMAIN_KEYS))
    a = p.parse_args(argv)
    try:
        domain = read_domain(a.domain) if a.domain else None
    except ValueError as e:
        p.error(str(e))
    post_processing = {}
    for item in a.set:
        key, _, value = item.partition("=")
        if key not in POST_PROCESSING or not value:
            p.error(f"--set {item}: expected KEY=VALUE with KEY one of {', '.join(POST_PROCESSING)}")
        kind = type(POST_PROCESSING[key])
        try:
            post_processing[key] = kind(value)
        except ValueError:
            p.error(f"--set {item}: {key} takes {'an integer' if kind is int else 'a number'}")
    if a.restamp:
        if a.checkpoint or a.out:
            p.error("--restamp changes a file in place: no --checkpoint or --out")
        added = restamp(a.restamp, post_processing, domain, a.version)
        print(f"{a.restamp}: added {added or 'nothing, it has every key'}")
        return
    missing = [f"--{n}" for n in ("checkpoint", "out", "version") if not getattr(a, n)]
    if missing:
        p.error(f"{', '.join(missing)} required to export a checkpoint")
    digest = export(load_checkpoint(a.checkpoint), a.out, a.name, a.version, a.input_size,
                    post_processing=post_processing, domain=domain)
    print(f"wrote {a.out} sha256 {digest}")


if __name__ == "__main__":
    main()
