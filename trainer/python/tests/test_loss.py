import unittest

import torch

from efficientdet.anchors import assign, generate_anchors
from efficientdet.loss import detection_loss, giou_loss


class GiouLossTest(unittest.TestCase):

    def test_identical_boxes_cost_nothing(self):
        boxes = torch.tensor([[10.0, 10.0, 50.0, 30.0], [0.0, 0.0, 5.0, 5.0]])
        self.assertTrue(torch.allclose(giou_loss(boxes, boxes), torch.zeros(2), atol=1e-6))

    def test_half_overlapping_boxes_cost_one_minus_iou(self):
        # the boxes' hull is their union, so GIoU = IoU = 50 / 150
        pred, target = torch.tensor([[0.0, 0.0, 10.0, 10.0]]), torch.tensor([[5.0, 0.0, 15.0, 10.0]])
        self.assertAlmostEqual(giou_loss(pred, target).item(), 1 - 50 / 150, places=5)

    def test_disjoint_boxes_cost_more_the_further_apart(self):
        target = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
        near = giou_loss(torch.tensor([[12.0, 0.0, 22.0, 10.0]]), target).item()
        far = giou_loss(torch.tensor([[40.0, 0.0, 50.0, 10.0]]), target).item()
        self.assertGreater(near, 1.0)
        self.assertGreater(far, near)
        self.assertLess(far, 2.0)


class DetectionLossTest(unittest.TestCase):

    def test_giou_term_adds_to_the_box_loss_only(self):
        anchors = generate_anchors(128)
        labels, matched = assign(anchors, torch.tensor([[30.0, 30.0, 70.0, 66.0]]), torch.tensor([0]))
        torch.manual_seed(0)
        logits, deltas = torch.randn(1, anchors.shape[0], 3), 0.1 * torch.randn(1, anchors.shape[0], 4)
        cls0, box0 = detection_loss(logits, deltas, anchors, labels[None], matched[None])
        cls1, box1 = detection_loss(logits, deltas, anchors, labels[None], matched[None], giou_weight=2.0)
        self.assertEqual(cls0.item(), cls1.item())
        self.assertGreater(box1.item(), box0.item())


if __name__ == "__main__":
    unittest.main()
