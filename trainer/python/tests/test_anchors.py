import unittest

import torch

from efficientdet.anchors import assign, decode, encode, generate_anchors
from efficientdet.config import CLASSES
from efficientdet.data import AssignedBatches


class AnchorTest(unittest.TestCase):

    def test_anchor_count_matches_the_contract_for_512(self):
        # (64² + 32² + 16² + 8² + 4²) locations × 9 anchors
        self.assertEqual(generate_anchors(512).shape, (49104, 4))

    def test_first_anchor_is_level3_top_left_scale1_square(self):
        a = generate_anchors(512)[0]
        # centre (4, 4), side 4 × 8 = 32
        self.assertEqual(a.tolist(), [-12.0, -12.0, 20.0, 20.0])

    def test_encode_then_decode_gives_the_box_back(self):
        anchors = generate_anchors(256)[:50]
        boxes = anchors + torch.tensor([3.0, -2.0, 10.0, 5.0])
        back = decode(anchors, encode(anchors, boxes))
        self.assertTrue(torch.allclose(back, boxes, atol=1e-3))

    def test_every_ground_truth_gets_at_least_one_positive_anchor(self):
        anchors = generate_anchors(384)
        tiny = torch.tensor([[100.0, 100.0, 112.0, 112.0]])  # smaller than any anchor
        labels, matched = assign(anchors, tiny, torch.tensor([CLASSES.index("Platelets")]))
        self.assertEqual(int((labels == CLASSES.index("Platelets")).sum()), 1)


class ModelTest(unittest.TestCase):

    def test_outputs_have_one_row_per_anchor(self):
        from efficientdet.model import EfficientDetD0
        model = EfficientDetD0().eval()
        with torch.no_grad():
            logits, deltas = model(torch.zeros(1, 3, 256, 256))
        self.assertEqual(logits.shape, (1, generate_anchors(256).shape[0], len(CLASSES)))
        self.assertEqual(deltas.shape, (1, generate_anchors(256).shape[0], 4))


class AssignedBatchesTest(unittest.TestCase):

    def test_a_batch_carries_each_image_its_own_anchor_targets(self):
        anchors = generate_anchors(128)
        first = (torch.zeros(3, 128, 128), torch.tensor([[10.0, 10.0, 50.0, 50.0]]), torch.tensor([2]),
                 torch.ones(3))
        empty = (torch.ones(3, 128, 128), torch.zeros(0, 4), torch.zeros(0, dtype=torch.long),
                 torch.tensor([1.0, 1.0, 0.0]))
        images, labels, matched, known = AssignedBatches(anchors)([first, empty])
        self.assertTrue(torch.equal(known, torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])))
        self.assertEqual(images.shape, (2, 3, 128, 128))
        self.assertEqual(labels.shape, (2, anchors.shape[0]))
        self.assertEqual(matched.shape, (2, anchors.shape[0], 4))
        expected_labels, expected_matched = assign(anchors, first[1], first[2])
        self.assertTrue(torch.equal(labels[0], expected_labels) and torch.equal(matched[0], expected_matched))
        self.assertTrue(bool((labels[0] == 2).any()))
        self.assertTrue(bool((labels[1] == -1).all()))   # no cells: every anchor is background
