"""Train EfficientDet-D0 from scratch on BCCD (PASCAL VOC, official split).

    python3 -m efficientdet.train --voc ../../datasets/bccd --out ../../runs/d0 --epochs 300

Logs one line per epoch, validates on `val` every --eval-every epochs with the EMA weights,
keeps best.pt (by val AP@0.5) and last.pt, and redraws curve.png. Never touches `test`.

A run stopped part-way (a machine taken back, a session's end) goes on where its last epoch
ended: the same command plus --resume. last.pt carries the optimiser, the EMA, the step, the
elapsed time and the random state, so the continued run takes the steps the whole one would have
(exactly so without --time-budget, whose schedule follows the clock).
"""
import argparse
import copy
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

from .anchors import generate_anchors
from .config import INPUT_SIZE
from .curves import plot
from .data import AssignedBatches, MixedSampler, VocDetection
from .evaluate import evaluate, read_checkpoint, torch_runner
from .from_onnx import freeze_batch_norm, load_onnx_weights
from .loss import detection_loss
from .model import EfficientDetD0


class ModelEma:
    """Exponential moving average of the weights; from-scratch detectors gain a lot from it."""

    def __init__(self, model, decay=0.998):
        self.ema = copy.deepcopy(model).eval()
        self.decay, self.updates = decay, 0
        for p in self.ema.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        msd = model.state_dict()
        for k, v in self.ema.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
            else:
                v.copy_(msd[k])


def init_scale_mpp(init, scale):
    """The microns per pixel at which the --init ONNX model saw cells when trained at `scale`: it runs at its
    input_microns_per_pixel on its input_size canvas, which training's `scale` canvas shows at input_size/scale
    times the pixel size. None without an ONNX model that states its scale."""
    if not init or not init.endswith(".onnx"):
        return None
    import onnx
    props = {p.key: p.value for p in onnx.load(init).metadata_props}
    if "input_microns_per_pixel" not in props:
        return None
    return float(props["input_microns_per_pixel"]) * int(props["input_size"]) / scale


def log(msg):
    print(msg, flush=True)


# What a resumed run may change: how long it goes on, and how it uses the machine.
RESUMABLE_CHANGES = ("resume", "epochs", "max_steps", "time_budget", "threads", "workers", "eval_every")


def resume_state(a):
    """The training state in a.out/last.pt, after checking that a's arguments are the run's own."""
    with open(os.path.join(a.out, "args.json")) as f:
        started_with = json.load(f)
    changed = sorted(k for k, v in vars(a).items()
                     if k not in RESUMABLE_CHANGES and k in started_with and started_with[k] != v)
    if changed:
        raise SystemExit(f"--resume: {', '.join(changed)} differ from the run in {a.out} "
                         f"(only {', '.join(RESUMABLE_CHANGES[1:])} may change)")
    checkpoint = read_checkpoint(os.path.join(a.out, "last.pt"))
    if "resume" not in checkpoint:
        raise SystemExit(f"--resume: {a.out}/last.pt was written before runs could be resumed")
    state = dict(checkpoint["resume"])
    state.update(ema=checkpoint["model"], epoch=checkpoint["epoch"],
                 frozen_batch_norm=checkpoint.get("frozen_batch_norm", False))
    return state


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--voc", required=True)
    p.add_argument("--train-splits", default="train")
    p.add_argument("--val-split", default="val")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--crop", type=int, default=512, help="training crop side, in pixels at the reference scale")
    p.add_argument("--scale", type=int, default=INPUT_SIZE,
                   help="reference scale: the long side, in pixels, that training letterboxes an image to before "
                        "jittering it by x0.75-1.33; val is monitored at it")
    p.add_argument("--mosaic", type=float, default=0.0,
                   help="probability that a training sample is a mosaic of four (data.mosaic); 0 = never")
    p.add_argument("--robust", action="store_true",
                   help="microscope-robust augmentation (data.augment): scale jitter x0.5-2, HED stain jitter, blur, "
                        "noise and JPEG compression")
    p.add_argument("--abnormal", type=float, default=0.0,
                   help="chance that a red cell of a deformed field (data.ABNORMAL_FIELD_P of them) is stretched, "
                        "bent and restained (deform.py), so abnormal red cells stay red cells; 0 = never")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup-steps", type=int, default=100)
    p.add_argument("--eval-every", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--limit", type=int, help="use only the first N training and validation images (smoke runs)")
    p.add_argument("--max-steps", type=int, help="stop after N optimiser steps (smoke runs)")
    p.add_argument("--time-budget", type=float, help="stop after this many minutes, keeping the schedule's end")
    p.add_argument("--amp", action="store_true", help="bf16 autocast on CUDA")
    p.add_argument("--init", help="start from this checkpoint's or released ONNX file's weights (a fine-tuning "
                                  "cycle); from ONNX, batch norms are folded and stay frozen")
    p.add_argument("--giou-weight", type=float, default=0.0, help="weight of the GIoU term added to the box loss")
    p.add_argument("--quality-focal", action="store_true",
                   help="class loss = quality focal loss: a positive's score target is its box's IoU")
    p.add_argument("--mix-voc", help="a second VOC dataset mixed into every epoch (a site fine-tune keeps seeing BCCD, "
                                     "so it keeps what it knew)")
    p.add_argument("--mix-splits", default="train,val", help="the splits of --mix-voc trained on")
    p.add_argument("--mix-share", type=float, default=0.5, help="share of the samples drawn from --mix-voc")
    p.add_argument("--scale-mpp", type=float,
                   help="microns per pixel at which training shows an image whose annotation states its scale (a "
                        "site's); default: the --init ONNX model's input_microns_per_pixel at --scale")
    p.add_argument("--resume", action="store_true",
                   help="go on with the run in --out from its last.pt; other arguments as it was started with, "
                        "except those in RESUMABLE_CHANGES")
    a = p.parse_args(argv)
    resumed = None
    if a.resume:
        resumed = resume_state(a)

    random.seed(a.seed), np.random.seed(a.seed), torch.manual_seed(a.seed)
    if a.threads:
        torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.benchmark = True   # every training batch has the same shape (crop × crop)
    os.makedirs(a.out, exist_ok=True)
    if not resumed:
        with open(os.path.join(a.out, "args.json"), "w") as f:
            json.dump(vars(a), f, indent=2)

    scale_mpp = a.scale_mpp or init_scale_mpp(a.init, a.scale)
    train_set = VocDetection(a.voc, a.train_splits.split(","), True, a.crop, a.limit, a.scale, a.mosaic,
                             a.robust, scale_mpp, a.abnormal)
    sampler = None
    if a.mix_voc:
        site_images = len(train_set)
        mixed = VocDetection(a.mix_voc, a.mix_splits.split(","), True, a.crop, a.limit, a.scale, a.mosaic,
                             a.robust, scale_mpp, a.abnormal)
        train_set = torch.utils.data.ConcatDataset([train_set, mixed])
        sampler = MixedSampler(site_images, len(mixed), a.mix_share)
    anchors = generate_anchors(a.crop)
    anchors_on_device = anchors.to(device)
    loader = torch.utils.data.DataLoader(train_set, batch_size=a.batch_size, shuffle=sampler is None,
                                         sampler=sampler,
                                         drop_last=len(sampler or train_set) > a.batch_size,
                                         num_workers=a.workers, collate_fn=AssignedBatches(anchors),
                                         persistent_workers=a.workers > 0, pin_memory=device == "cuda")
    if len(loader) == 0:
        raise SystemExit(f"no training step: {len(sampler or train_set)} samples per epoch, batch {a.batch_size}")
    model, frozen_norms = EfficientDetD0(), False
    if resumed:
        model.load_state_dict(resumed["model"])
        frozen_norms = resumed["frozen_batch_norm"]
    elif a.init and a.init.endswith(".onnx"):
        model, frozen_norms = load_onnx_weights(model, a.init), True
    elif a.init:
        checkpoint = read_checkpoint(a.init)
        model.load_state_dict(checkpoint["model"])
        frozen_norms = checkpoint.get("frozen_batch_norm", False)
    model = model.to(device)
    ema = ModelEma(model)
    if resumed:
        ema.ema.load_state_dict(resumed["ema"])
        ema.updates = resumed["ema_updates"]
    decay, no_decay = [], []
    for n, prm in model.named_parameters():
        (no_decay if prm.ndim <= 1 else decay).append(prm)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0}], lr=a.lr)
    if resumed:
        opt.load_state_dict(resumed["optimizer"])
    total_steps = a.epochs * len(loader)
    if a.max_steps:
        total_steps = min(total_steps, a.max_steps)

    def lr_at(step):
        if step < a.warmup_steps:
            return a.lr * (step + 1) / a.warmup_steps
        t = (step - a.warmup_steps) / max(1, total_steps - a.warmup_steps)
        if a.time_budget:  # a slower machine than planned still gets the whole cosine decay
            t = max(t, (time.time() - started) / 60 / a.time_budget)
        return a.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))

    history, best, step, first_epoch = [], -1.0, 0, 1
    started = time.time()
    if resumed:
        history, best, step, first_epoch = resumed["history"], resumed["best"], resumed["step"], resumed["epoch"] + 1
        started -= resumed["elapsed_min"] * 60
        random.setstate(resumed["rng"]["python"])
        np.random.set_state(resumed["rng"]["numpy"])
        torch.set_rng_state(resumed["rng"]["torch"])
        log(f"resuming {a.out} after epoch {resumed['epoch']} (step {step}, {resumed['elapsed_min']:.1f} min)")
    log(f"training EfficientDet-D0 on {len(train_set)} images ({a.train_splits}), scale {a.scale}, crop {a.crop}, "
        f"batch {a.batch_size}, {a.epochs} epochs = {total_steps} steps on {device}, "
        f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters"
        + (f", starting from {a.init}" if a.init else "") + (" (batch norms frozen)" if frozen_norms else "") + (f", GIoU weight {a.giou_weight}" if a.giou_weight else "")
        + (", quality focal loss" if a.quality_focal else "") + (f", mosaic {a.mosaic}" if a.mosaic else "")
        + (", microscope-robust augmentation" if a.robust else "")
        + (f", abnormal red cells ({a.abnormal:.0%} of a deformed field's)" if a.abnormal else "")
        + (f", {a.mix_share:.0%} of the samples from {a.mix_voc} ({a.mix_splits})" if a.mix_voc else "")
        + (f", images of known scale at {scale_mpp:.4f} µm/px" if scale_mpp else ""))
    for epoch in range(first_epoch, a.epochs + 1):
        model.train()
        if frozen_norms:
            freeze_batch_norm(model)
        sums, n, t0 = [0.0, 0.0], 0, time.time()
        for images, tl, tm, known in loader:
            images, tl, tm, known = (t.to(device, non_blocking=True) for t in (images, tl, tm, known))
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            if a.amp and device == "cuda":
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    logits, deltas = model(images)
            else:
                logits, deltas = model(images)
            cls_loss, box_loss = detection_loss(logits.float(), deltas.float(), anchors_on_device, tl, tm,
                                                  giou_weight=a.giou_weight, quality_focal=a.quality_focal,
                                                  known=known)
            loss = cls_loss + box_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            ema.update(model)
            sums[0] += cls_loss.item()
            sums[1] += box_loss.item()
            n += 1
            step += 1
            if a.max_steps and step >= a.max_steps:
                break
        entry = {"epoch": epoch, "step": step, "cls_loss": sums[0] / max(n, 1), "box_loss": sums[1] / max(n, 1),
                 "lr": lr_at(step), "epoch_s": time.time() - t0, "elapsed_min": (time.time() - started) / 60}
        done = (a.max_steps and step >= a.max_steps) or epoch == a.epochs or \
            (a.time_budget and (time.time() - started) / 60 >= a.time_budget)
        if a.val_split and (epoch % a.eval_every == 0 or done):
            # the training monitor: the bare model (1 view, greedy NMS) at the reference scale
            s = evaluate(torch_runner(ema.ema, device), a.voc, a.val_split, flips=1, vote_iou=0.0, soft_sigma=0.0,
                         input_size=a.scale, limit=a.limit, scale_mpp=scale_mpp)
            entry.update(val_AP50=s["AP50"], val_AP=s["AP"], val_per_class_AP50=s["per_class_AP50"])
            if s["AP50"] > best:
                best = s["AP50"]
                torch.save({"model": ema.ema.state_dict(), "epoch": epoch, "val": s, "frozen_batch_norm": frozen_norms}, os.path.join(a.out, "best.pt"))
        history.append(entry)
        log(f"epoch {epoch:>3}/{a.epochs} step {step:>5} cls {entry['cls_loss']:.4f} box {entry['box_loss']:.4f} "
            f"lr {entry['lr']:.2e} {entry['epoch_s']:.0f}s"
            + (f" | val AP50 {entry['val_AP50']:.4f} AP {entry['val_AP']:.4f}" if "val_AP50" in entry else ""))
        last = os.path.join(a.out, "last.pt")
        torch.save({"model": ema.ema.state_dict(), "epoch": epoch, "frozen_batch_norm": frozen_norms,
                    "resume": {"model": model.state_dict(), "ema_updates": ema.updates,
                               "optimizer": opt.state_dict(), "step": step, "best": best, "history": history,
                               "elapsed_min": (time.time() - started) / 60,
                               "rng": {"python": random.getstate(), "numpy": np.random.get_state(),
                                       "torch": torch.get_rng_state()}}},
                   last + ".partial")
        os.replace(last + ".partial", last)   # an interrupted save leaves the previous epoch's last.pt whole
        with open(os.path.join(a.out, "history.json"), "w") as f:
            json.dump(history, f, indent=1)
        plot([history], os.path.join(a.out, "curve.png"))
        if done:
            break
    log(f"done in {(time.time() - started) / 60:.1f} min; best val AP50 {best:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
