import random
import unittest
from unittest import mock

import torch

from efficientdet import data
from efficientdet.data import (HED_FROM_RGB, _rot90, augment, gaussian_blur, hed_jitter, jpeg, letterbox,
                               mosaic)


class AugmentTest(unittest.TestCase):

    def test_rotating_four_times_is_the_identity(self):
        image = torch.randint(0, 255, (3, 48, 64), dtype=torch.uint8)
        boxes = torch.tensor([[5.0, 6.0, 20.0, 30.0]])
        rotated, rboxes = _rot90(image, boxes, 4)
        self.assertTrue(torch.equal(rotated, image))
        self.assertTrue(torch.allclose(rboxes, boxes))

    def test_rotated_box_covers_the_rotated_pixels(self):
        image = torch.zeros(3, 40, 60, dtype=torch.uint8)
        image[:, 10:20, 30:50] = 255                      # a bright block, x 30..50, y 10..20
        rotated, boxes = _rot90(image, torch.tensor([[30.0, 10.0, 50.0, 20.0]]), 1)
        x1, y1, x2, y2 = boxes[0].int().tolist()
        self.assertTrue(bool((rotated[0, y1:y2, x1:x2] == 255).all()))
        self.assertEqual(int((rotated[0] == 255).sum()), (x2 - x1) * (y2 - y1))

    def test_crops_keep_boxes_inside_the_window(self):
        random.seed(3)
        torch.manual_seed(3)
        image = torch.randint(0, 255, (3, 480, 640), dtype=torch.uint8)
        boxes = torch.tensor([[10.0, 10.0, 110.0, 110.0], [500.0, 300.0, 620.0, 460.0]])
        for _ in range(20):
            out, b, l = augment(image, boxes.clone(), torch.tensor([0, 1]), 256)
            self.assertEqual(out.shape, (3, 256, 256))
            self.assertTrue(bool((b >= 0).all()) and bool((b <= 256).all()))
            self.assertEqual(len(b), len(l))

    def test_cells_are_sized_around_the_reference_scale(self):
        random.seed(4)
        torch.manual_seed(4)
        image = torch.randint(0, 255, (3, 480, 640), dtype=torch.uint8)
        cell = torch.tensor([[310.0, 230.0, 330.0, 250.0]])   # a 20 px square in the middle of the slide
        for reference in (512, 640):
            sides = []
            with mock.patch.object(data, "_stain_jitter", lambda x: x):   # the geometry only, fast
                for _ in range(60):
                    _, b, _ = augment(image, cell.clone(), torch.tensor([0]), 384, reference)
                    w, h = (float(b[0, 2] - b[0, 0]), float(b[0, 3] - b[0, 1])) if len(b) else (0, -1)
                    if abs(w - h) < 1e-3:                      # the window held the whole cell
                        sides.append(w)
            expected = 20 * reference / 640
            self.assertGreaterEqual(len(sides), 8)
            self.assertTrue(all(0.74 * expected <= s <= 1.34 * expected for s in sides), (reference, sides))
            self.assertGreater(max(sides) / min(sides), 1.3)   # the jitter spans most of x0.75-1.33

    def test_robust_cells_span_half_to_twice_the_reference_scale(self):
        random.seed(6)
        torch.manual_seed(6)
        image = torch.randint(0, 255, (3, 240, 320), dtype=torch.uint8)
        cell = torch.tensor([[150.0, 110.0, 170.0, 130.0]])
        sides = []
        with mock.patch.dict(data.ROBUST_P, {k: 0.0 for k in data.ROBUST_P}), \
                mock.patch.object(data, "_stain_jitter", lambda x: x):   # the geometry only, fast
            for _ in range(300):
                _, b, _ = augment(image, cell.clone(), torch.tensor([0]), 192, 320, robust=True)
                if len(b) and abs(float(b[0, 2] - b[0, 0]) - float(b[0, 3] - b[0, 1])) < 1e-3:
                    sides.append(float(b[0, 2] - b[0, 0]))
        self.assertGreaterEqual(len(sides), 20)
        self.assertTrue(all(0.49 * 20 <= s <= 2.01 * 20 for s in sides), sides)
        self.assertLess(min(sides), 0.7 * 20)               # beyond the plain recipe's range on both sides
        self.assertGreater(max(sides), 1.4 * 20)


class MicroscopeJitterTest(unittest.TestCase):

    @staticmethod
    def stains(x):
        od = -torch.log((x + 1) / 256)
        return torch.einsum("chw,cs->shw", od, HED_FROM_RGB).mean((1, 2))

    def test_hed_jitter_without_change_gives_the_image_back(self):
        x = torch.randint(0, 255, (3, 16, 16)).float()
        same = hed_jitter(x, torch.ones(3), torch.zeros(3))
        self.assertLess(float((same - x).abs().max()), 0.01)

    def test_more_haematoxylin_means_more_haematoxylin_and_the_eosin_stays(self):
        x = torch.tensor([200.0, 120.0, 190.0]).view(3, 1, 1).expand(3, 8, 8).clone()   # a pink-purple stain
        darker = hed_jitter(x, torch.tensor([1.3, 1.0, 1.0]), torch.zeros(3))
        before, after = self.stains(x), self.stains(darker)
        self.assertAlmostEqual(float(after[0] / before[0]), 1.3, places=3)
        self.assertAlmostEqual(float(after[1]), float(before[1]), places=3)
        self.assertLess(float(darker.mean()), float(x.mean()))

    def test_blur_keeps_the_mean_and_softens_edges(self):
        x = torch.zeros(3, 32, 32)
        x[:, :, 16:] = 255
        y = gaussian_blur(x, 2.0)
        self.assertEqual(y.shape, x.shape)
        self.assertAlmostEqual(float(y.mean()), float(x.mean()), delta=0.5)
        self.assertTrue(0 < float(y[0, 10, 15]) < 255 and 0 < float(y[0, 10, 16]) < 255)
        self.assertLess(float((y[:, :, 1:] - y[:, :, :-1]).abs().max()), 255 / 3)

    def test_jpeg_at_quality_30_changes_pixels_but_not_the_picture(self):
        torch.manual_seed(7)
        x = gaussian_blur(torch.randint(0, 255, (3, 64, 64)).float(), 3.0)
        y = jpeg(x, 30)
        self.assertEqual(y.shape, x.shape)
        self.assertGreater(float((y - x).abs().max()), 1.0)
        self.assertLess(float((y - x).abs().mean()), 6.0)


class MosaicTest(unittest.TestCase):

    def test_a_mosaic_shows_the_top_left_of_each_sample_with_its_cells_in_its_own_quadrant(self):
        random.seed(5)
        crop = 64
        # every sample has a cell at the top-left and one at the bottom-right of its window; its pixels are all k
        cells = torch.tensor([[0.0, 0.0, 8.0, 8.0], [56.0, 56.0, 64.0, 64.0]])
        samples = [(torch.full((3, crop, crop), float(k)), cells, torch.tensor([k % 3, 1])) for k in range(4)]
        out, boxes, labels = mosaic(samples, crop)
        self.assertEqual(out.shape, (3, crop, crop))
        cx = int((out[0, 0] == 0).sum())
        cy = int((out[0, :, 0] == 0).sum())
        self.assertTrue(16 <= cx <= 48 and 16 <= cy <= 48)
        for k, (x1, y1, x2, y2) in enumerate(((0, 0, cx, cy), (cx, 0, crop, cy), (0, cy, cx, crop), (cx, cy, crop, crop))):
            self.assertTrue(bool((out[:, y1:y2, x1:x2] == k).all()), k)
        # each quadrant keeps its sample's top-left cell, moved with it; the bottom-right cells lie outside
        self.assertEqual(boxes.tolist(), [[0, 0, 8, 8], [cx, 0, cx + 8, 8], [0, cy, 8, cy + 8], [cx, cy, cx + 8, cy + 8]])
        self.assertEqual(labels.tolist(), [0, 1, 2, 0])

    def test_letterbox_scales_the_long_side_to_512_and_pads_with_zero(self):
        image = torch.full((3, 480, 640), 128, dtype=torch.uint8)
        tensor, scale = letterbox(image)
        self.assertAlmostEqual(scale, 0.8)
        self.assertEqual(tensor.shape, (3, 512, 512))
        self.assertTrue(bool((tensor[:, 384:, :] == 0).all()))
