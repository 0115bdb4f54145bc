"""Anchors, target assignment and box coding, in the order models/CONTRACT.md fixes."""
import math

import torch

from .config import ANCHOR_SCALE, LEVELS, RATIOS, SCALES


def generate_anchors(size, levels=LEVELS):
    """[A, 4] anchors as (x1, y1, x2, y2) for a size×size input: level, row, column, scale, ratio."""
    out = []
    for level in levels:
        stride = 2 ** level
        n = math.ceil(size / stride)
        centres = (torch.arange(n, dtype=torch.float32) + 0.5) * stride
        cy, cx = torch.meshgrid(centres, centres, indexing="ij")
        wh = []
        for k in SCALES:
            for rx, ry in RATIOS:
                wh.append((ANCHOR_SCALE * stride * k * rx, ANCHOR_SCALE * stride * k * ry))
        wh = torch.tensor(wh)                                      # [9, 2]
        cx = cx.reshape(-1, 1).expand(-1, len(wh))
        cy = cy.reshape(-1, 1).expand(-1, len(wh))
        w, h = wh[:, 0].expand_as(cx), wh[:, 1].expand_as(cy)
        out.append(torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1).reshape(-1, 4))
    return torch.cat(out)


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def encode(anchors, boxes):
    """(ty, tx, th, tw) of boxes against anchors, both (x1, y1, x2, y2)."""
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    acx, acy = anchors[:, 0] + aw / 2, anchors[:, 1] + ah / 2
    bw, bh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    bcx, bcy = boxes[:, 0] + bw / 2, boxes[:, 1] + bh / 2
    return torch.stack([(bcy - acy) / ah, (bcx - acx) / aw, torch.log(bh / ah), torch.log(bw / aw)], -1)


def decode(anchors, deltas):
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    acx, acy = anchors[:, 0] + aw / 2, anchors[:, 1] + ah / 2
    cy = acy + deltas[..., 0] * ah
    cx = acx + deltas[..., 1] * aw
    h = ah * torch.exp(deltas[..., 2])
    w = aw * torch.exp(deltas[..., 3])
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)


def assign(anchors, gt_boxes, gt_labels, pos_iou=0.5, neg_iou=0.4):
    """Per anchor: class index (-1 background, -2 ignore) and matched box.

    Every ground-truth box also claims its best anchor, so that small platelets whose IoU with
    every anchor stays under pos_iou still get a positive.
    """
    labels = torch.full((anchors.shape[0],), -1, dtype=torch.long)
    matched = torch.zeros_like(anchors)
    if gt_boxes.numel() == 0:
        return labels, matched
    iou = box_iou(anchors, gt_boxes)                 # [A, G]
    best_iou, best_gt = iou.max(1)
    labels[(best_iou >= neg_iou) & (best_iou < pos_iou)] = -2
    pos = best_iou >= pos_iou
    best_anchor = iou.argmax(0)                      # [G]
    best_gt[best_anchor] = torch.arange(gt_boxes.shape[0])
    pos[best_anchor] = True
    labels[pos] = gt_labels[best_gt[pos]]
    matched[pos] = gt_boxes[best_gt[pos]]
    return labels, matched
