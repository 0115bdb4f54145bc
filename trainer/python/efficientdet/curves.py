"""Training curves: loss and validation AP per epoch, for one run or a run and its fine-tuning.

    python3 -m efficientdet.curves --runs ../../runs/d0-cpu ../../runs/d0-ft --out curve.png

Each run folder holds the history.json and args.json that train.py writes; a later run's epochs
are drawn after the earlier run's, with a line where it starts.
"""
import argparse
import json
import os
import sys


def plot(histories, path, labels=None, title="EfficientDet-D0 on BCCD, from scratch"):
    """histories: one list of train.py history entries per stage; returns False without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    labels = labels or [None] * len(histories)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    offset = 0
    for i, (history, label) in enumerate(zip(histories, labels)):
        ep = [offset + h["epoch"] for h in history]
        suffix = f" ({label})" if label else ""
        a.plot(ep, [h["cls_loss"] for h in history], color="C0", label="class (focal)" if i == 0 else None)
        a.plot(ep, [h["box_loss"] for h in history], color=f"C{1 + i}", label="box" + suffix)
        ev = [h for h in history if "val_AP50" in h]
        b.plot([offset + h["epoch"] for h in ev], [h["val_AP50"] for h in ev], "o-", ms=3, color="C2",
               label="val AP@0.5" if i == 0 else None)
        b.plot([offset + h["epoch"] for h in ev], [h["val_AP"] for h in ev], "o-", ms=3, color="C3",
               label="val AP@[.5:.95]" if i == 0 else None)
        if i > 0:
            for ax in (a, b):
                ax.axvline(offset, color="grey", ls="--", lw=1)
        offset = ep[-1] if ep else offset
    a.set_xlabel("epoch"), a.set_ylabel("training loss"), a.legend(), a.grid(alpha=.3)
    b.set_xlabel("epoch"), b.set_ylim(0.45, 0.95), b.legend(loc="lower right"), b.grid(alpha=.3)
    if len(histories) > 1:
        b.set_title("dashed: fine-tuning starts", fontsize=9, color="grey")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def stage_label(args):
    box = f"Huber + GIoU x{args['giou_weight']:g}" if args.get("giou_weight") else "Huber"
    start = "fine-tuned" if args.get("init") else "from scratch"
    splits = args.get("train_splits", "train").replace(",", "+")
    cls = "quality focal" if args.get("quality_focal") else "focal"
    return f"{start} on {splits}, lr {args['lr']:g}, {cls} + {box}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", nargs="+", required=True, help="run folders in training order")
    p.add_argument("--out", required=True)
    p.add_argument("--title", default="EfficientDet-D0 on BCCD, from scratch")
    a = p.parse_args(argv)
    histories, labels = [], []
    for run in a.runs:
        with open(os.path.join(run, "history.json")) as f:
            histories.append(json.load(f))
        with open(os.path.join(run, "args.json")) as f:
            labels.append(stage_label(json.load(f)))
    if not plot(histories, a.out, labels, a.title):
        print("matplotlib is not installed", file=sys.stderr)
        return 1
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
