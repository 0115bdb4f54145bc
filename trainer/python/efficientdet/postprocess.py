"""Scores and regressions to boxes in original pixels: the same steps the Java core takes."""
import torch
import torchvision

from .anchors import decode
from .data import content_size


PRE_NMS_TOP_K = 5000

# Test-time views in the Java core's order (Flip.java): (mirror x, mirror y).
FLIPS = ((False, False), (True, False), (False, True), (True, True))


def flip_views(canvas, count, width, height):
    """[3,S,S] -> [count,3,S,S]: the image as is, mirrored left-right, top-bottom, both. Only the image's
    width×height area is mirrored; the padding stays bottom-right, where training always put it."""
    views = []
    for mx, my in FLIPS[:count]:
        v = canvas.clone()
        region = canvas[:, :height, :width]
        if mx:
            region = region.flip(-1)
        if my:
            region = region.flip(-2)
        v[:, :height, :width] = region
        views.append(v)
    return torch.stack(views)


def box_iou_like_java(boxes, j):
    """IoU of box j with every box, as NonMaxSuppression.iou computes it: float32 differences, double products."""
    x = boxes[j]
    iw = (torch.minimum(boxes[:, 2], x[2]) - torch.maximum(boxes[:, 0], x[0])).double()
    ih = (torch.minimum(boxes[:, 3], x[3]) - torch.maximum(boxes[:, 1], x[1])).double()
    inter = iw * ih
    area_j = (x[2] - x[0]).double() * (x[3] - x[1]).double()
    areas = (boxes[:, 2] - boxes[:, 0]).double() * (boxes[:, 3] - boxes[:, 1]).double()
    iou = inter / (area_j + areas - inter)
    return torch.where((iw > 0) & (ih > 0), iou, torch.zeros_like(iou))


def soft_nms(boxes, scores, sigma, threshold, limit):
    """Gaussian soft-NMS within one class, step for step as NonMaxSuppression.soft: keep the highest current score
    (the lowest index on a tie), multiply the others' scores by exp(-IoU^2 / sigma), drop those at or below the
    threshold. Returns kept indices (best first) and their decayed scores (float32)."""
    current = scores.double().clone()
    alive = torch.ones(len(scores), dtype=torch.bool)
    kept, kept_scores = [], []
    while len(kept) < limit and bool(alive.any()):
        best = int(torch.argmax(torch.where(alive, current, torch.full_like(current, -1.0))))
        kept.append(best)
        kept_scores.append(float(current[best]))
        alive[best] = False
        iou = box_iou_like_java(boxes, best)
        hit = alive & (iou > 0)
        current[hit] = current[hit] * torch.exp(-iou[hit] * iou[hit] / sigma)
        alive[hit] = current[hit] > threshold
    return torch.tensor(kept, dtype=torch.long), torch.tensor(kept_scores, dtype=torch.float32)


def detections(scores, deltas, anchors, scale, width, height, score_threshold=0.001,
               iou_threshold=0.5, max_detections=100, vote_iou=0.0, soft_sigma=0.0):
    """scores [A,C] (sigmoid), deltas [A,4] -> (boxes [K,4], scores [K], classes [K]) sorted by score.

    With test-time views, scores [V,A,C] and deltas [V,A,4] hold view v = FLIPS[v] (flip_views); boxes
    are flipped back within the image's area and pooled, and the PRE_NMS_TOP_K best per view enter one NMS.
    As in the Java core, a box with no area once clipped to the image (it lies on the padding) is dropped.
    vote_iou > 0 replaces each kept box by the score-weighted mean of the pooled candidates of its class
    with IoU >= vote_iou (box voting). soft_sigma > 0 replaces greedy NMS by Gaussian soft-NMS (soft_nms), whose
    decayed scores become the detections' scores. Only the best candidates above the threshold enter NMS, as
    models/CONTRACT.md says: an untrained or unsure model would otherwise send 150k boxes to NMS.
    """
    if scores.dim() == 2:
        scores, deltas = scores[None], deltas[None]
    all_boxes, all_scores, all_classes = [], [], []
    content_w, content_h = content_size(width, height, scale)
    for v in range(scores.shape[0]):
        boxes = decode(anchors, deltas[v])
        mx, my = FLIPS[v]
        if mx:
            boxes = torch.stack([content_w - boxes[:, 2], boxes[:, 1], content_w - boxes[:, 0], boxes[:, 3]], -1)
        if my:
            boxes = torch.stack([boxes[:, 0], content_h - boxes[:, 3], boxes[:, 2], content_h - boxes[:, 1]], -1)
        keep_a, keep_c = torch.nonzero(scores[v] > score_threshold, as_tuple=True)
        all_boxes.append(boxes[keep_a])
        all_scores.append(scores[v][keep_a, keep_c])
        all_classes.append(keep_c)
    b, s, c = torch.cat(all_boxes), torch.cat(all_scores), torch.cat(all_classes)
    top_k = PRE_NMS_TOP_K * scores.shape[0]
    if s.numel() > top_k:
        top = torch.topk(s, top_k).indices
        b, s, c = b[top], s[top], c[top]
    b = b / scale
    b[:, 0::2] = b[:, 0::2].clamp(0, width)
    b[:, 1::2] = b[:, 1::2].clamp(0, height)
    has_area = (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1])
    b, s, c = b[has_area], s[has_area], c[has_area]
    if soft_sigma > 0:
        # the Java core's candidate order: score descending, then view, anchor and class
        order = torch.sort(s, descending=True, stable=True).indices
        b, s, c = b[order], s[order], c[order]
        keep, out_scores = [], []
        for cls in range(int(c.max()) + 1 if len(c) else 0):
            members = torch.nonzero(c == cls).flatten()
            k, ks = soft_nms(b[members], s[members], soft_sigma, score_threshold, max_detections)
            keep.append(members[k])
            out_scores.append(ks)
        keep = torch.cat(keep) if keep else torch.zeros(0, dtype=torch.long)
        out_scores = torch.cat(out_scores) if out_scores else torch.zeros(0)
        top = torch.sort(out_scores, descending=True, stable=True).indices[:max_detections]
        keep, out_scores = keep[top], out_scores[top]
    else:
        keep = torchvision.ops.batched_nms(b, s, c, iou_threshold)[:max_detections]
        out_scores = s[keep]
    kept = b[keep].clone()
    if vote_iou > 0 and len(keep):
        iou = torchvision.ops.box_iou(b[keep], b)
        for j in range(len(keep)):
            member = (iou[j] >= vote_iou) & (c == c[keep[j]])
            member[keep[j]] = True
            w = s[member].double()
            kept[j] = ((b[member].double() * w[:, None]).sum(0) / w.sum()).float()
    return kept, out_scores, c[keep]
