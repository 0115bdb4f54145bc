"""Focal loss for classes and Huber loss for boxes, normalised by the number of positives."""
import torch
import torch.nn.functional as F

from .anchors import encode


def detection_loss(logits, deltas, anchors, labels, matched, alpha=0.25, gamma=2.0,
                   huber_delta=0.1, box_weight=50.0):
    """logits [N,A,C], deltas [N,A,4]; labels [N,A] (-1 background, -2 ignore); matched [N,A,4]."""
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
        box_loss = F.huber_loss(deltas[pos], target_deltas, delta=huber_delta, reduction="sum") / (num_pos * 4)
    else:
        box_loss = deltas.sum() * 0
    return cls_loss, box_weight * box_loss
