import math
import unittest

import torch

from efficientdet.anchors import assign, generate_anchors
from efficientdet.loss import detection_loss, giou_loss, paired_iou, quality_focal_loss


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

    def test_a_class_nobody_labelled_on_an_image_costs_nothing_there(self):
        anchors = generate_anchors(128)
        labels, matched = assign(anchors, torch.tensor([[30.0, 30.0, 70.0, 66.0]]), torch.tensor([0]))
        logits, deltas = torch.zeros(1, anchors.shape[0], 3), torch.zeros(1, anchors.shape[0], 4)
        loud_platelets = logits.clone()
        loud_platelets[..., 2] = 5.0      # the model sees platelets everywhere
        everything = torch.ones(1, 3)
        no_platelets = torch.tensor([[1.0, 1.0, 0.0]])
        quiet, _ = detection_loss(logits, deltas, anchors, labels[None], matched[None], known=no_platelets)
        loud, _ = detection_loss(loud_platelets, deltas, anchors, labels[None], matched[None], known=no_platelets)
        self.assertAlmostEqual(quiet.item(), loud.item(), places=5)
        punished, _ = detection_loss(loud_platelets, deltas, anchors, labels[None], matched[None], known=everything)
        self.assertGreater(punished.item(), loud.item())


class QualityFocalLossTest(unittest.TestCase):

    def test_a_score_equal_to_its_target_costs_least(self):
        target = torch.full((5,), 0.7)
        logits = torch.logit(torch.tensor([0.1, 0.5, 0.7, 0.9, 0.99]))
        costs = quality_focal_loss(logits, target)
        self.assertEqual(int(costs.argmin()), 2)
        self.assertAlmostEqual(costs[2].item(), 0.0, places=6)

    def test_by_hand_for_one_score(self):
        # y = 0.6, p = 0.2: |y - p|^2 * -(y ln p + (1 - y) ln(1 - p))
        expected = 0.4 ** 2 * -(0.6 * math.log(0.2) + 0.4 * math.log(0.8))
        self.assertAlmostEqual(quality_focal_loss(torch.logit(torch.tensor([0.2])), torch.tensor([0.6])).item(),
                               expected, places=5)

    def test_paired_iou_by_hand(self):
        pred = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 4.0, 4.0]])
        target = torch.tensor([[5.0, 0.0, 15.0, 10.0], [0.0, 0.0, 4.0, 4.0]])
        self.assertTrue(torch.allclose(paired_iou(pred, target), torch.tensor([50 / 150, 1.0])))

    def test_a_positive_scored_at_its_box_iou_costs_no_class_loss_there(self):
        # one positive anchor whose predicted box is its ground truth shifted: the target is that IoU, and a
        # score equal to it leaves only the (tiny) background terms; a confident score of 0.99 costs more.
        anchors = torch.tensor([[0.0, 0.0, 32.0, 32.0], [64.0, 64.0, 96.0, 96.0]])
        labels = torch.tensor([[1, -1]])
        matched = torch.tensor([[[0.0, 0.0, 32.0, 32.0], [0.0, 0.0, 0.0, 0.0]]])
        deltas = torch.zeros(1, 2, 4)
        deltas[0, 0, 1] = 0.25                                  # 8 px to the right: IoU 24*32 / (40*32) = 0.6
        background = -12.0
        def cls_loss(score):
            logits = torch.full((1, 2, 3), background)
            logits[0, 0, 1] = math.log(score / (1 - score))
            return detection_loss(logits, deltas, anchors, labels, matched, quality_focal=True)[0].item()
        self.assertLess(cls_loss(0.6), 1e-6)
        self.assertGreater(cls_loss(0.99), 0.1)


if __name__ == "__main__":
    unittest.main()
