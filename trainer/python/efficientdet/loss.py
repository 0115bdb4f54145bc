"""Focal loss for classes; Huber loss on the box deltas, plus an optional GIoU term on the decoded
boxes; both normalised by the number of positives."""
import torch
import torch.nn.functional as F

from .anchors import decode, encode


def giou_loss(pred, target):
    """1 - generalised IoU of paired (x1, y1, x2, y2) boxes, [K, 4] each -> [K]."""
    area_p = (pred[:, 2] - pred[:, 0]).clamp(min=0) * (pred[:, 3] - pred[:, 1]).clamp(min=0)
    area_t = (target[:, 2] - target[:, 0]) * (target[:, 3] - target[:, 1])
    wh = (torch.min(pred[:, 2:], target[:, 2:]) - torch.max(pred[:, :2], target[:, :2])).clamp(min=0)
    inter = wh[:, 0] * wh[:, 1]
    union = area_p + area_t - inter
    iou = inter / union.clamp(min=1e-6)
    hull = (torch.max(pred[:, 2:], target[:, 2:]) - torch.min(pred[:, :2], target[:, :2])).clamp(min=0)
    hull_area = (hull[:, 0] * hull[:, 1]).clamp(min=1e-6)
    return 1 - (iou - (hull_area - union) / hull_area)


def detection_loss(logits, deltas, anchors, labels, matched, alpha=0.25, gamma=2.0,
                   huber_delta=0.1, box_weight=50.0, giou_weight=0.0):
    """logits [N,A,C], deltas [N,A,4]; labels [N,A] (-1 background, -2 ignore); matched [N,A,4].

    Returns (class loss, box loss); the box loss is the weighted Huber term plus, when
    giou_weight > 0, giou_weight × mean GIoU loss of the decoded positive boxes, which rewards
    the tight boxes that AP at IoU 0.75-0.95 asks for."""
    num_classes = logits.shape[-1]
    pos = labels >= 0
    valid = labels != -2
    num_pos = pos.sum().clamp(min=1).float()

    target = F.one_hot(labels.clamp(min=0), num_classes).float() * pos.unsqueeze(-1)
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    alpha_t = alpha * target + (1 - alpha) * (1 - target)
    focal = alpha_t * (1 - p_t) ** gamma * ce
    cls_loss = (focal * valid.unsqueeze(-1)).sum() / num_pos

    if pos.any():
        a = anchors.unsqueeze(0).expand_as(matched)[pos]
        target_deltas = encode(a, matched[pos])
        box_loss = box_weight * F.huber_loss(deltas[pos], target_deltas, delta=huber_delta, reduction="sum") / (num_pos * 4)
        if giou_weight > 0:
            # clamp the size deltas so exp() cannot overflow while the heads are still wild
            d = torch.cat([deltas[pos][:, :2], deltas[pos][:, 2:].clamp(max=4.0)], -1)
            box_loss = box_loss + giou_weight * giou_loss(decode(a, d), matched[pos]).sum() / num_pos
    else:
        box_loss = deltas.sum() * 0
    return cls_loss, box_loss
