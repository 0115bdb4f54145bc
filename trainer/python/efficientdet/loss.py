"""Focal loss for classes (or quality focal loss, whose targets are the boxes' IoU); Huber loss on the
box deltas, plus an optional GIoU term on the decoded boxes; all normalised by the number of positives."""
import torch
import torch.nn.functional as F

from .anchors import decode, encode


def _overlap(pred, target):
    """Intersection and union areas of paired (x1, y1, x2, y2) boxes, [K, 4] each -> [K], [K]."""
    area_p = (pred[:, 2] - pred[:, 0]).clamp(min=0) * (pred[:, 3] - pred[:, 1]).clamp(min=0)
    area_t = (target[:, 2] - target[:, 0]) * (target[:, 3] - target[:, 1])
    wh = (torch.min(pred[:, 2:], target[:, 2:]) - torch.max(pred[:, :2], target[:, :2])).clamp(min=0)
    inter = wh[:, 0] * wh[:, 1]
    return inter, area_p + area_t - inter


def paired_iou(pred, target):
    """IoU of paired (x1, y1, x2, y2) boxes, [K, 4] each -> [K]."""
    inter, union = _overlap(pred, target)
    return inter / union.clamp(min=1e-6)


def giou_loss(pred, target):
    """1 - generalised IoU of paired (x1, y1, x2, y2) boxes, [K, 4] each -> [K]."""
    inter, union = _overlap(pred, target)
    iou = inter / union.clamp(min=1e-6)
    hull = (torch.max(pred[:, 2:], target[:, 2:]) - torch.min(pred[:, :2], target[:, :2])).clamp(min=0)
    hull_area = (hull[:, 0] * hull[:, 1]).clamp(min=1e-6)
    return 1 - (iou - (hull_area - union) / hull_area)


def quality_focal_loss(logits, target, beta=2.0):
    """Quality focal loss (Li et al. 2020, arXiv 2006.04388): binary cross-entropy against a soft target y in
    [0, 1], weighted by |y - sigmoid(logit)|^beta. With y = the IoU of a positive anchor's predicted box with its
    ground truth, the class score learns to rank well-placed boxes first, which is what AP at IoU 0.75-0.95 asks.
    Elementwise: same shape as logits."""
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    return (target - torch.sigmoid(logits)).abs().pow(beta) * ce


def detection_loss(logits, deltas, anchors, labels, matched, alpha=0.25, gamma=2.0,
                   huber_delta=0.1, box_weight=50.0, giou_weight=0.0, quality_focal=False, known=None):
    """logits [N,A,C], deltas [N,A,4]; labels [N,A] (-1 background, -2 ignore); matched [N,A,4]; known [N,C], 0
    for a class nobody labelled on that image (its cells there are neither positives nor background: no class loss).

    Returns (class loss, box loss); the box loss is the weighted Huber term plus, when
    giou_weight > 0, giou_weight × mean GIoU loss of the decoded positive boxes, which rewards
    the tight boxes that AP at IoU 0.75-0.95 asks for. quality_focal=True replaces the focal class loss by
    quality_focal_loss, a positive's target being the (detached) IoU of its decoded box with its ground truth."""
    num_classes = logits.shape[-1]
    pos = labels >= 0
    valid = (labels != -2).unsqueeze(-1).float()
    if known is not None:
        valid = valid * known.unsqueeze(1)
    num_pos = pos.sum().clamp(min=1).float()

    target = F.one_hot(labels.clamp(min=0), num_classes).float() * pos.unsqueeze(-1)
    a = anchors.unsqueeze(0).expand_as(matched)[pos]
    # clamp the size deltas so exp() cannot overflow while the heads are still wild
    decoded = decode(a, torch.cat([deltas[pos][:, :2], deltas[pos][:, 2:].clamp(max=4.0)], -1))
    if quality_focal:
        target[pos] = target[pos] * paired_iou(decoded.detach(), matched[pos]).clamp(0, 1).unsqueeze(-1)
        cls_loss = (quality_focal_loss(logits, target) * valid).sum() / num_pos
    else:
        p = torch.sigmoid(logits)
        ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        p_t = p * target + (1 - p) * (1 - target)
        alpha_t = alpha * target + (1 - alpha) * (1 - target)
        focal = alpha_t * (1 - p_t) ** gamma * ce
        cls_loss = (focal * valid).sum() / num_pos

    if pos.any():
        target_deltas = encode(a, matched[pos])
        box_loss = box_weight * F.huber_loss(deltas[pos], target_deltas, delta=huber_delta, reduction="sum") / (num_pos * 4)
        if giou_weight > 0:
            box_loss = box_loss + giou_weight * giou_loss(decoded, matched[pos]).sum() / num_pos
    else:
        box_loss = deltas.sum() * 0
    return cls_loss, box_loss
