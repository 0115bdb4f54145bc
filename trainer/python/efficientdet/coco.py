"""COCO-style box AP (pycocotools' algorithm, 101-point interpolation) for the parity check
against the Java evaluator, and for validation during training."""
import numpy as np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)
AREA_RANGES = {"all": (0, 1e10), "small": (0, 32 ** 2), "medium": (32 ** 2, 96 ** 2), "large": (96 ** 2, 1e10)}


def _iou(d, g):
    if len(d) == 0 or len(g) == 0:
        return np.zeros((len(d), len(g)))
    lt = np.maximum(d[:, None, :2], g[None, :, :2])
    rb = np.minimum(d[:, None, 2:], g[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    ad = (d[:, 2] - d[:, 0]) * (d[:, 3] - d[:, 1])
    ag = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    return inter / (ad[:, None] + ag[None, :] - inter)


def _area(b):
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def evaluate(ground_truth, predictions, num_classes, max_dets=100):
    """ground_truth: per image (boxes [G,4], labels [G]); predictions: per image (boxes, scores, labels).

    Returns precision [T, R, K, A] and recall [T, K, A] arrays and a summary dict.
    """
    T, R, K, A = len(IOU_THRESHOLDS), len(RECALL_POINTS), num_classes, len(AREA_RANGES)
    precision = -np.ones((T, R, K, A))
    recall = -np.ones((T, K, A))
    for k in range(K):
        for a, (lo, hi) in enumerate(AREA_RANGES.values()):
            scores_all, matched_all, ignored_all, n_gt = [], [], [], 0
            for (gb, gl), (pb, ps, pl) in zip(ground_truth, predictions):
                g = gb[gl == k]
                order = np.argsort(-ps[pl == k], kind="mergesort")[:max_dets]
                d = pb[pl == k][order]
                s = ps[pl == k][order]
                g_ignore = (_area(g) < lo) | (_area(g) > hi)
                g_order = np.argsort(g_ignore, kind="mergesort")
                g, g_ignore = g[g_order], g_ignore[g_order]
                n_gt += int((~g_ignore).sum())
                ious = _iou(d, g)
                dm = np.zeros((T, len(d)), dtype=bool)
                d_ignore = np.zeros((T, len(d)), dtype=bool)
                for t, thr in enumerate(IOU_THRESHOLDS):
                    taken = np.zeros(len(g), dtype=bool)
                    for di in range(len(d)):
                        best, m = min(thr, 1 - 1e-10), -1
                        for gi in range(len(g)):
                            if taken[gi]:
                                continue
                            if m > -1 and not g_ignore[m] and g_ignore[gi]:
                                break
                            if ious[di, gi] < best:
                                continue
                            best, m = ious[di, gi], gi
                        if m == -1:
                            continue
                        taken[m] = True
                        dm[t, di] = True
                        d_ignore[t, di] = g_ignore[m]
                out_of_range = (_area(d) < lo) | (_area(d) > hi) if len(d) else np.zeros(0, dtype=bool)
                d_ignore |= (~dm) & out_of_range[None, :]
                scores_all.append(s)
                matched_all.append(dm)
                ignored_all.append(d_ignore)
            if n_gt == 0:
                continue
            s = np.concatenate(scores_all)
            order = np.argsort(-s, kind="mergesort")
            dm = np.concatenate(matched_all, 1)[:, order]
            di = np.concatenate(ignored_all, 1)[:, order]
            tps = np.cumsum(dm & ~di, 1).astype(float)
            fps = np.cumsum(~dm & ~di, 1).astype(float)
            for t in range(T):
                tp, fp = tps[t], fps[t]
                rc = tp / n_gt
                pr = tp / np.maximum(tp + fp, np.spacing(1))
                recall[t, k, a] = rc[-1] if len(rc) else 0
                pr = pr.tolist()
                for i in range(len(pr) - 1, 0, -1):
                    pr[i - 1] = max(pr[i - 1], pr[i])
                inds = np.searchsorted(rc, RECALL_POINTS, side="left")
                q = np.zeros(R)
                for ri, pi in enumerate(inds):
                    if pi < len(pr):
                        q[ri] = pr[pi]
                precision[t, :, k, a] = q
    return precision, recall, summarise(precision, recall)


def _mean(x):
    x = x[x > -1]
    return float(x.mean()) if x.size else -1.0


def summarise(precision, recall):
    names = list(AREA_RANGES)
    out = {
        "AP": _mean(precision[:, :, :, 0]),
        "AP50": _mean(precision[0, :, :, 0]),
        "AP75": _mean(precision[5, :, :, 0]),
        "AP_small": _mean(precision[:, :, :, names.index("small")]),
        "AP_medium": _mean(precision[:, :, :, names.index("medium")]),
        "AP_large": _mean(precision[:, :, :, names.index("large")]),
        "AR100": _mean(recall[:, :, 0]),
        "per_class_AP50": [_mean(precision[0, :, k, 0]) for k in range(precision.shape[2])],
        "per_class_AP": [_mean(precision[:, :, k, 0]) for k in range(precision.shape[2])],
    }
    return out
