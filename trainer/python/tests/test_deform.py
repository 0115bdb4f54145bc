import math
import random
import unittest

import torch
import torch.nn.functional as F

from efficientdet.config import CLASSES
from efficientdet.data import hed_jitter
from efficientdet.deform import GAIN_RANGE, deform_red_cells

RBC, WBC = CLASSES.index("RBC"), CLASSES.index("WBC")
PLASMA = (240, 230, 220)
RED = (200, 90, 90)
PURPLE = (90, 60, 150)
RADIUS = 20
LONE_CELL = [(150, 150)]
CROWD = [(150, 150), (180, 160), (300, 200), (500, 100), (520, 380), (90, 400)]
WHITE_CELL_BOX = [288.0, 208.0, 353.0, 273.0]


def field(red_centres):
    """A light 640x480 field with round red cells of RADIUS at these centres and a purple white cell at 320, 240,
    their boxes and labels (the white cell last)."""
    ys = torch.arange(480, dtype=torch.float32).view(-1, 1)
    xs = torch.arange(640, dtype=torch.float32).view(1, -1)
    image = torch.tensor(PLASMA, dtype=torch.uint8).view(3, 1, 1).repeat(1, 480, 640)
    boxes = []
    for cx, cy in red_centres:
        inside = (xs - cx) ** 2 + (ys - cy) ** 2 <= RADIUS ** 2
        image[:, inside] = torch.tensor(RED, dtype=torch.uint8).view(3, 1)
        boxes.append([cx - RADIUS, cy - RADIUS, cx + RADIUS + 1, cy + RADIUS + 1])
    image[:, (xs - 320) ** 2 + (ys - 240) ** 2 <= 30 ** 2] = torch.tensor(PURPLE, dtype=torch.uint8).view(3, 1)
    boxes.append(WHITE_CELL_BOX)
    labels = torch.tensor([RBC] * len(red_centres) + [WBC])
    return image, torch.tensor(boxes, dtype=torch.float32), labels


def red_pixels(image):
    """[N,2] (x, y) of the red cells' pixels: clearly darker than the plasma and not the white cell's purple."""
    x = image.int()
    red = (x.sum(0) < 560) & (x[0] > x[2] + 20)
    ys, xs = torch.nonzero(red, as_tuple=True)
    return torch.stack([xs, ys], 1).float()


def red_interior(image):
    """[H,W] True where every pixel within 3 is a red cell's."""
    x = image.int()
    red = ((x.sum(0) < 560) & (x[0] > x[2] + 20)).float().view(1, 1, *image.shape[1:])
    return -F.max_pool2d(-red, 7, 1, 3)[0, 0] > 0.5


def elongation(cell):
    """Length over width of a blob of even width: pi * length^2 / (4 * area), the length its widest extent."""
    angles = torch.arange(180, dtype=torch.float32) * (math.pi / 180)
    projections = cell[:, :1] * torch.cos(angles) + cell[:, 1:] * torch.sin(angles)
    longest = float((projections.max(0).values - projections.min(0).values).max()) + 1
    return math.pi * longest ** 2 / (4 * len(cell))


class DeformTest(unittest.TestCase):

    def test_every_red_cell_stays_a_red_cell_and_the_white_cell_keeps_its_box_and_every_pixel(self):
        image, boxes, labels = field(CROWD)
        out, new_boxes, new_labels = deform_red_cells(image, boxes, labels, 1.0, random.Random(1))
        self.assertEqual(out.dtype, torch.uint8)
        self.assertEqual(out.shape, image.shape)
        self.assertEqual(new_labels.tolist(), labels.tolist())
        self.assertEqual(new_boxes[-1].tolist(), WHITE_CELL_BOX)
        self.assertTrue(torch.equal(out[:, 208:273, 288:353], image[:, 208:273, 288:353]))
        self.assertFalse(torch.equal(out, image))

    def test_a_round_red_cell_becomes_one_and_a_half_to_three_times_as_long_as_wide_and_its_box_holds_it(self):
        image, boxes, labels = field(LONE_CELL)
        area = math.pi * RADIUS ** 2
        for seed in range(12):
            out, new_boxes, _ = deform_red_cells(image, boxes, labels, 1.0, random.Random(seed))
            cell = red_pixels(out)
            self.assertTrue(1.4 <= elongation(cell) <= 3.2, (seed, elongation(cell)))
            self.assertAlmostEqual(len(cell), area, delta=0.12 * area, msg=f"seed {seed}: the cell keeps its area")
            x1, y1, x2, y2 = new_boxes[0].tolist()
            inside = ((cell[:, 0] >= x1 - 1) & (cell[:, 0] <= x2) & (cell[:, 1] >= y1 - 1) & (cell[:, 1] <= y2))
            self.assertGreaterEqual(int(inside.sum()), 0.98 * len(cell), f"seed {seed}: the box holds the cell")

    def test_the_same_seed_deforms_a_field_the_same_way_and_another_seed_otherwise(self):
        image, boxes, labels = field(CROWD)
        once = deform_red_cells(image, boxes, labels, 1.0, random.Random(7))
        again = deform_red_cells(image.clone(), boxes.clone(), labels.clone(), 1.0, random.Random(7))
        other = deform_red_cells(image, boxes, labels, 1.0, random.Random(8))
        self.assertTrue(torch.equal(once[0], again[0]))
        self.assertTrue(torch.equal(once[1], again[1]))
        self.assertFalse(torch.equal(once[1], other[1]))

    def test_probability_chooses_how_many_red_cells_are_deformed(self):
        image, boxes, labels = field(CROWD)
        out, new_boxes, new_labels = deform_red_cells(image, boxes, labels, 0.0, random.Random(1))
        self.assertTrue(torch.equal(out, image))
        self.assertTrue(torch.equal(new_boxes, boxes))
        rng = random.Random(2)
        unchanged = [int((deform_red_cells(image, boxes, labels, 0.5, rng)[1][:-1] == boxes[:-1]).all(1).sum())
                     for _ in range(20)]
        self.assertTrue(0 < sum(unchanged) < 20 * len(CROWD), unchanged)

    def test_a_cell_is_recoloured_as_the_stain_within_its_range_would_colour_it(self):
        image, boxes, labels = field(LONE_CELL)
        gains = torch.linspace(GAIN_RANGE[0], GAIN_RANGE[1], 61)
        red = torch.tensor(RED, dtype=torch.float32).view(3, 1, 1)
        stained = torch.stack([hed_jitter(red, torch.tensor([float(h), float(e), 1.0]), torch.zeros(3)).view(3)
                               for h in gains for e in gains])
        colours = set()
        for seed in range(8):
            out, _, _ = deform_red_cells(image, boxes, labels, 1.0, random.Random(seed))
            # a pixel well inside the cell, every pixel within 3 of it red, away from the blended rim
            inner = torch.nonzero(red_interior(out), as_tuple=True)
            seen = out[:, int(inner[0][0]), int(inner[1][0])].float()
            colours.add(tuple(seen.int().tolist()))
            nearest = float((stained.round() - seen).abs().max(1).values.min())
            self.assertLessEqual(nearest, 2, f"seed {seed}: {seen.tolist()} is no stain of the cell")
        self.assertGreater(len(colours), 4, "each cell its own stain")


if __name__ == "__main__":
    unittest.main()
