"""Scores and regressions to boxes in original pixels: the same steps the Java core takes."""
import torch
import torchvision

from .anchors import decode


PRE_NMS_TOP_K = 5000


def detections(scores, deltas, anchors, scale, width, height, score_threshold=0.001,
               iou_threshold=0.5, max_detections=100):
    """scores [A,C] (sigmoid), deltas [A,4] -> (boxes [K,4], scores [K], classes [K]) sorted by score.

    Only the PRE_NMS_TOP_K best (anchor, class) candidates above the threshold enter NMS, as
    models/CONTRACT.md says: an untrained or unsure model would otherwise send 150k boxes to NMS.
    """
    boxes = decode(anchors, deltas)
    keep_a, keep_c = torch.nonzero(scores > score_threshold, as_tuple=True)
    s = scores[keep_a, keep_c]
    if s.numel() > PRE_NMS_TOP_K:
        top = torch.topk(s, PRE_NMS_TOP_K).indices
        keep_a, keep_c, s = keep_a[top], keep_c[top], s[top]
    b = boxes[keep_a] / scale
    b[:, 0::2] = b[:, 0::2].clamp(0, width)
    b[:, 1::2] = b[:, 1::2].clamp(0, height)
    keep = torchvision.ops.batched_nms(b, s, keep_c, iou_threshold)[:max_detections]
    return b[keep], s[keep], keep_c[keep]
