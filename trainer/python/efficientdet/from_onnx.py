"""Recover trainable weights from a released ONNX file, so a new version can start from it.

Checkpoints (runs/) are not kept with the project; the released ONNX file is. The exporter folds
every batch norm into the convolution before it, so the recovered model keeps those batch norms
as exact identities carrying the folded shift (mean 0, variance 1 - eps, scale 1, shift = folded
bias). The head's batch norms are per pyramid level behind one shared convolution: the shared
weight is taken from level 0 and each other level's norm gets the per-channel ratio to it. Such a
model must train with its batch norms frozen (`freeze_batch_norm`): batch statistics would undo
the folding.

    python3 -m efficientdet.from_onnx --onnx models/efficientdet-d0-bccd.onnx --out runs/released.pt
"""
import argparse
from collections import defaultdict

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

from .config import INPUT_SIZE
from .model import EfficientDetD0, Head


def _conv_calls(model):
    """Every Conv2d call of one forward pass, in execution order, with its call number."""
    calls, seen, hooks = [], defaultdict(int), []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            def hook(m, _inputs, _output):
                calls.append((m, seen[m]))
                seen[m] += 1
            hooks.append(module.register_forward_hook(hook))
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE))
    for h in hooks:
        h.remove()
    return calls


def _norm_after(model):
    """conv -> function(call number) -> the batch norm folded into that call, or None."""
    following = {}
    for module in model.modules():
        if isinstance(module, nn.Sequential):
            children = list(module)
            for a, b in zip(children, children[1:]):
                if isinstance(a, nn.Conv2d) and isinstance(b, nn.BatchNorm2d):
                    following[a] = (lambda n, b=b: b)
        if isinstance(module, Head):
            for conv, norms in zip(module.convs, module.norms):
                following[conv[1]] = (lambda n, norms=norms: norms[n])
    return following


def _set_identity_norm(norm, scale, shift):
    norm.running_mean.zero_()
    norm.running_var.fill_(1.0 - norm.eps)
    norm.weight.copy_(scale)
    norm.bias.copy_(shift)


@torch.no_grad()
def load_onnx_weights(model, path):
    graph = onnx.load(path).graph
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    # the exporter stores equal tensors once and refers to the copies through Identity nodes
    aliases = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity"}
    while any(target in aliases for target in aliases.values()):
        aliases = {name: aliases.get(target, target) for name, target in aliases.items()}
    init.update({name: init[target] for name, target in aliases.items() if target in init})
    conv_nodes = [n for n in graph.node if n.op_type == "Conv"]
    calls = _conv_calls(model)
    if len(calls) != len(conv_nodes):
        raise ValueError(f"{path}: {len(conv_nodes)} convolutions, the model makes {len(calls)}")
    following = _norm_after(model)
    first_weight = {}
    for (conv, n), node in zip(calls, conv_nodes):
        weight = init[node.input[1]]
        bias = init[node.input[2]] if len(node.input) > 2 else torch.zeros(weight.shape[0])
        if weight.shape != conv.weight.shape:
            raise ValueError(f"{node.name}: weight {tuple(weight.shape)}, model expects {tuple(conv.weight.shape)}")
        norm = following.get(conv, lambda _n: None)(n)
        if norm is None:
            if n > 0 and not torch.equal(weight, first_weight[conv]):
                raise ValueError(f"{node.name}: a shared convolution with different weights per call")
            conv.weight.copy_(weight)
            if conv.bias is not None:
                conv.bias.copy_(bias)
            first_weight[conv] = weight
            continue
        if n == 0:
            conv.weight.copy_(weight)
            if conv.bias is not None:
                conv.bias.zero_()
            first_weight[conv] = weight
            _set_identity_norm(norm, torch.ones_like(bias), bias)
        else:   # the same weight scaled per output channel by this level's norm
            w0 = first_weight[conv].flatten(1)
            scale = (weight.flatten(1) * w0).sum(1) / (w0 * w0).sum(1).clamp_min(1e-30)
            err = (weight.flatten(1) - scale[:, None] * w0).abs().max().item()
            if err > 1e-4 * max(1e-6, weight.abs().max().item()):
                raise ValueError(f"{node.name}: not a per-channel scaling of the shared weight ({err:.2e})")
            _set_identity_norm(norm, scale, bias)
    conv_params = {f"{name}.{p}" for name, m in model.named_modules() if isinstance(m, nn.Conv2d)
                   for p in ("weight", "bias")}
    state = model.state_dict()
    for name, value in init.items():    # what the exporter kept by name besides convolutions: fusion weights
        key = name[len("model."):] if name.startswith("model.") else None
        if key in state and key not in conv_params:
            state[key].copy_(value.reshape(state[key].shape))
    return model


def freeze_batch_norm(model):
    """Batch norms keep their running statistics (eval mode) while the rest trains."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
    return model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--onnx", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    model = load_onnx_weights(EfficientDetD0(), a.onnx)
    torch.save({"model": model.state_dict(), "from_onnx": a.onnx, "frozen_batch_norm": True}, a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
