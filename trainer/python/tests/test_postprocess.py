import math
import unittest

import torch

from efficientdet.postprocess import detections, flip_views, soft_nms


class FlipViewsTest(unittest.TestCase):

    def test_only_the_image_area_is_mirrored_and_the_padding_stays_bottom_right(self):
        canvas = torch.zeros(3, 8, 8)
        canvas[:, :4, :6] = torch.arange(24, dtype=torch.float32).view(4, 6)   # the image, 6 wide and 4 high
        canvas[:, 6, 7] = -1                                                   # a mark on the padding
        views = flip_views(canvas, 4, 6, 4)
        self.assertEqual(views.shape, (4, 3, 8, 8))
        self.assertTrue(torch.equal(views[0], canvas))
        self.assertTrue(torch.equal(views[1][:, :4, :6], canvas[:, :4, :6].flip(-1)))
        self.assertTrue(torch.equal(views[2][:, :4, :6], canvas[:, :4, :6].flip(-2)))
        self.assertTrue(torch.equal(views[3][:, :4, :6], canvas[:, :4, :6].flip(-1).flip(-2)))
        for v in views:
            self.assertEqual(v[0, 6, 7].item(), -1)
            self.assertEqual(v[:, 4:, :].abs().sum().item() + v[:, :, 6:].abs().sum().item(), 6.0)


class DetectionsTest(unittest.TestCase):
    # Two 16x16 anchors on a 64x64 image at scale 1: top-left and top-right corners.
    anchors = torch.tensor([[0.0, 0.0, 16.0, 16.0], [48.0, 0.0, 64.0, 16.0]])

    def test_a_box_found_on_the_mirrored_view_comes_back_where_the_cell_is(self):
        scores = torch.zeros(2, 2, 1)
        scores[1, 1, 0] = 0.9               # mirrored view, top-right anchor = the image's top-left corner
        b, s, c = detections(scores, torch.zeros(2, 2, 4), self.anchors, 1.0, 64, 64)
        self.assertEqual(b.tolist(), [[0.0, 0.0, 16.0, 16.0]])
        self.assertAlmostEqual(s.item(), 0.9, places=6)

    def test_box_voting_takes_the_score_weighted_mean_of_overlapping_candidates(self):
        anchors = torch.tensor([[0.0, 0.0, 20.0, 20.0], [0.0, 0.0, 20.0, 20.0]])
        deltas = torch.zeros(1, 2, 4)
        deltas[0, 1, 1] = 0.05              # second candidate 1 px to the right: IoU 19·20 / (2·400 − 380) ≈ 0.90
        scores = torch.tensor([[[0.9], [0.6]]])
        b, s, _ = detections(scores, deltas, anchors, 1.0, 64, 64, vote_iou=0.85)
        self.assertEqual(len(s), 1)
        self.assertAlmostEqual(s.item(), 0.9, places=6)
        self.assertTrue(torch.allclose(b[0], torch.tensor([0.6 / 1.5, 0.0, 20 + 0.6 / 1.5, 20.0])))
        b, _, _ = detections(scores, deltas, anchors, 1.0, 64, 64, vote_iou=0.95)
        self.assertEqual(b[0].tolist(), [0.0, 0.0, 20.0, 20.0])

    def test_a_box_wholly_on_the_padding_is_dropped(self):
        # the image is 64 wide but only 8 high: the bottom-right anchor lies below it
        anchors = torch.tensor([[0.0, 0.0, 8.0, 8.0], [40.0, 40.0, 56.0, 56.0]])
        scores = torch.tensor([[[0.5], [0.9]]])
        b, s, _ = detections(scores, torch.zeros(1, 2, 4), anchors, 1.0, 64, 8)
        self.assertEqual(b.tolist(), [[0.0, 0.0, 8.0, 8.0]])


class SoftNmsTest(unittest.TestCase):
    # the Java core's NonMaxSuppressionTest cases, so both sides are pinned to the same numbers

    def test_overlapping_scores_fall_by_the_gaussian_of_their_iou(self):
        boxes = torch.tensor([[0.0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]])
        keep, scores = soft_nms(boxes, torch.tensor([0.9, 0.8, 0.7]), 0.5, 0.3, 100)
        self.assertEqual(keep.tolist(), [0, 2, 1])
        self.assertTrue(torch.allclose(scores, torch.tensor([0.9, 0.7, 0.8 * math.exp(-1 / 9 / 0.5)])))

    def test_a_box_decayed_to_the_threshold_is_dropped(self):
        boxes = torch.tensor([[0.0, 0, 10, 10], [1, 0, 11, 10], [5, 0, 15, 10]])
        keep, scores = soft_nms(boxes, torch.tensor([0.9, 0.8, 0.5]), 0.5, 0.3, 100)
        self.assertEqual(keep.tolist(), [0, 2])
        self.assertAlmostEqual(scores[1].item(), 0.5 * math.exp(-1 / 9 / 0.5), places=6)

    def test_detections_keep_an_overlapping_cell_with_its_decayed_score(self):
        anchors = torch.tensor([[0.0, 0.0, 20.0, 20.0], [0.0, 0.0, 20.0, 20.0]])
        deltas = torch.zeros(1, 2, 4)
        deltas[0, 1, 1] = 0.25              # 5 px to the right: IoU 15·20 / (800 − 300) = 0.6
        scores = torch.tensor([[[0.9], [0.8]]])
        _, s, _ = detections(scores, deltas, anchors, 1.0, 64, 64, score_threshold=0.3)
        self.assertEqual(len(s), 1)         # greedy NMS at 0.5 removes the second box
        b, s, _ = detections(scores, deltas, anchors, 1.0, 64, 64, score_threshold=0.3, soft_sigma=1.0)
        self.assertEqual(len(s), 2)
        self.assertAlmostEqual(s[1].item(), 0.8 * math.exp(-0.36), places=5)
        self.assertEqual(b[1].tolist(), [5.0, 0.0, 25.0, 20.0])


if __name__ == "__main__":
    unittest.main()
