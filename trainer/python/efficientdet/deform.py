"""Abnormal red cells made from a field's normal ones, as a training augmentation: the recipe of model-eval's
DeformedRedCells, whose robustness row (abnormal-rbc) asks that such cells stay red cells.

Each chosen red cell is cut out with a soft elliptical mask around its box, stretched 1.5 to 3 times as long as wide
along a random axis (its area kept), bent into an arc as a sickle cell is, recoloured within the stain's range (its
haematoxylin and eosin amounts scaled by data.hed_jitter) and pasted back at its centre, in box order. The round
originals are first painted over with the field's background; white cells and platelets are drawn on top as they
were. Its box becomes the deformed cell's bounds, still a red cell."""
import math
import random

import torch
import torch.nn.functional as F

# The module, not its names: data.py imports this one, so its names may not exist yet while this is imported.
from . import data
from .config import CLASSES

RED_CELL = CLASSES.index("RBC")
STRETCH_RANGE = (1.5, 3.0)
# How far the cell's ends sit off its middle, across it, as a share of its half-length.
BEND_RANGE = (0.15, 0.6)
# The stain amounts' range, as the microscope-robust recipe's HED jitter draws them.
GAIN_RANGE = (0.7, 1.3)
# The mask in units of the box's inscribed ellipse: the cell whole up to CORE, fading out by EDGE so the background
# around it blends in without carrying much of its neighbours along.
CORE, EDGE = 0.95, 1.15


class _Cell:
    """A box's inscribed ellipse in pixel-index coordinates (pixel centres at integers), and a deformation drawn from
    rng (none without one)."""

    def __init__(self, box, rng=None):
        x1, y1, x2, y2 = (float(v) for v in box)
        self.cx, self.cy = (x1 + x2) / 2 - 0.5, (y1 + y2) / 2 - 0.5
        self.a, self.b = max(1.0, (x2 - x1) / 2), max(1.0, (y2 - y1) / 2)
        self.stretch, self.angle, self.bend, self.haematoxylin, self.eosin = 1.0, 0.0, 0.0, 1.0, 1.0
        if rng is not None:
            self.stretch = rng.uniform(*STRETCH_RANGE)
            self.angle = rng.uniform(0, 2 * math.pi)
            self.bend = rng.uniform(*BEND_RANGE)
            self.haematoxylin = rng.uniform(*GAIN_RANGE)
            self.eosin = rng.uniform(*GAIN_RANGE)
        c, s = math.cos(self.angle), math.sin(self.angle)
        # the cell's half-length along the axis once stretched: the arc's scale
        self.length = math.sqrt(self.stretch) / math.hypot(c / self.a, s / self.b)

    def radius(self, dx, dy):
        return torch.sqrt((dx / self.a) ** 2 + (dy / self.b) ** 2)

    def forward(self, dx, dy):
        """The deformed point of the original offset (dx, dy): stretched along the axis, squeezed across, bent."""
        c, s, root = math.cos(self.angle), math.sin(self.angle), math.sqrt(self.stretch)
        u = (dx * c + dy * s) * root
        v = (-dx * s + dy * c) / root + self.bend * (u * u / self.length - self.length / 2)
        return u * c - v * s, u * s + v * c

    def inverse(self, dx, dy):
        """The original offset that the deformation carries to (dx, dy)."""
        c, s, root = math.cos(self.angle), math.sin(self.angle), math.sqrt(self.stretch)
        u = dx * c + dy * s
        v = (-dx * s + dy * c - self.bend * (u * u / self.length - self.length / 2)) * root
        u = u / root
        return u * c - v * s, u * s + v * c

    def deformed_bounds(self, by):
        """x1, y1, x2, y2 (pixel centres) of the deformed ellipse scaled by `by`."""
        t = torch.arange(180, dtype=torch.float64) * (2 * math.pi / 180)
        dx, dy = self.forward(by * self.a * torch.cos(t), by * self.b * torch.sin(t))
        return (self.cx + float(dx.min()), self.cy + float(dy.min()), self.cx + float(dx.max()),
                self.cy + float(dy.max()))


def _mask(radius):
    """1 inside the cell, fading smoothly to 0 at EDGE."""
    t = ((EDGE - radius) / (EDGE - CORE)).clamp(0, 1)
    return t * t * (3 - 2 * t)


def _window(x1, y1, x2, y2, w, h):
    """Integer pixel ranges covering x1..x2, y1..y2, inside the image; None when empty."""
    x0, x1 = max(0, int(math.floor(x1))), min(w - 1, int(math.ceil(x2)))
    y0, y1 = max(0, int(math.floor(y1))), min(h - 1, int(math.ceil(y2)))
    return (x0, x1, y0, y1) if x1 >= x0 and y1 >= y0 else None


def _offsets(cell, window):
    x0, x1, y0, y1 = window
    ys = torch.arange(y0, y1 + 1, dtype=torch.float64).view(-1, 1) - cell.cy
    xs = torch.arange(x0, x1 + 1, dtype=torch.float64).view(1, -1) - cell.cx
    return xs.expand(len(ys), -1), ys.expand(-1, xs.shape[1])


def _background(image, boxes):
    """Per channel, mean and standard deviation of the brighter half of the pixels outside every box (plasma, not an
    unlabelled cell), or of the brightest quarter of the field where boxes cover it."""
    _, h, w = image.shape
    covered = torch.zeros(h, w, dtype=torch.bool)
    for x1, y1, x2, y2 in boxes.tolist():
        covered[max(0, int(y1)):max(0, min(h, math.ceil(y2))), max(0, int(x1)):max(0, min(w, math.ceil(x2)))] = True
    pixels = image.reshape(3, -1)[:, ::3]
    free = pixels[:, ~covered.reshape(-1)[::3]]
    share = 0.5
    if free.shape[1] < 100:
        free, share = pixels, 0.25
    order = free.sum(0).argsort(descending=True)
    bright = free[:, order[:max(1, int(free.shape[1] * share))]]
    return bright.mean(1), bright.std(1, unbiased=False)


def _erase(out, cell, background, generator):
    _, h, w = out.shape
    window = _window(cell.cx - EDGE * cell.a, cell.cy - EDGE * cell.b, cell.cx + EDGE * cell.a,
                     cell.cy + EDGE * cell.b, w, h)
    if window is None:
        return
    x0, x1, y0, y1 = window
    m = _mask(cell.radius(*_offsets(cell, window))).float()
    grain = torch.randn(m.shape, generator=generator)
    paint = background[0].view(3, 1, 1) + grain * background[1].view(3, 1, 1)
    region = out[:, y0:y1 + 1, x0:x1 + 1]
    out[:, y0:y1 + 1, x0:x1 + 1] = m * paint + (1 - m) * region


def _paste(out, original, cell):
    _, h, w = out.shape
    source = _window(cell.cx - EDGE * cell.a - 1, cell.cy - EDGE * cell.b - 1, cell.cx + EDGE * cell.a + 1,
                     cell.cy + EDGE * cell.b + 1, w, h)
    target = _window(*cell.deformed_bounds(EDGE), w, h)
    if source is None or target is None or source[1] == source[0] or source[3] == source[2]:
        return
    px0, px1, py0, py1 = source
    pw, ph = px1 - px0 + 1, py1 - py0 + 1
    patch = data.hed_jitter(original[:, py0:py1 + 1, px0:px1 + 1],
                            torch.tensor([cell.haematoxylin, cell.eosin, 1.0]), torch.zeros(3))
    ox, oy = cell.inverse(*_offsets(cell, target))
    sx, sy = cell.cx + ox - px0, cell.cy + oy - py0
    inside = (sx >= 0) & (sy >= 0) & (sx <= pw - 1) & (sy <= ph - 1)
    m = (_mask(cell.radius(ox, oy)) * inside).float()
    grid = torch.stack([2 * sx / (pw - 1) - 1, 2 * sy / (ph - 1) - 1], -1).float().unsqueeze(0)
    sample = F.grid_sample(patch.unsqueeze(0), grid, mode="bilinear", padding_mode="border", align_corners=True)[0]
    x0, x1, y0, y1 = target
    region = out[:, y0:y1 + 1, x0:x1 + 1]
    out[:, y0:y1 + 1, x0:x1 + 1] = m * sample + (1 - m) * region


def deform_red_cells(image, boxes, labels, probability=1.0, rng=random):
    """Each red cell deformed as an abnormal one with `probability` (1: every one, as the abnormal-rbc row does).

    image: uint8 RGB [3,H,W]; boxes: [G,4] (x1, y1, x2, y2) in its pixels; labels: [G] class indices; rng: a
    random.Random (or the random module) that draws the choices and shapes, so a seeded one repeats them.
    Returns the image (uint8), the boxes (a deformed cell's its new bounds; one pushed wholly off the image is
    dropped) and their labels. Red cells left as they are, white cells and platelets are drawn on top as they were:
    a white cell's or platelet's box keeps every pixel."""
    chosen = [i for i in range(len(labels)) if int(labels[i]) == RED_CELL and rng.random() < probability]
    if not chosen:
        return image, boxes, labels
    _, h, w = image.shape
    original = image.float()
    out = original.clone()
    background = _background(original, boxes)
    generator = torch.Generator().manual_seed(rng.randrange(2 ** 62))
    cells = {i: _Cell(boxes[i], rng) for i in chosen}
    for cell in cells.values():
        _erase(out, cell, background, generator)
    kept_boxes, kept = [], []
    for i in range(len(labels)):
        if i not in cells:
            kept_boxes.append(boxes[i].tolist())
            kept.append(i)
            continue
        cell = cells[i]
        _paste(out, original, cell)
        x1, y1, x2, y2 = cell.deformed_bounds(1.0)
        x1, y1, x2, y2 = max(0.0, x1 + 0.5), max(0.0, y1 + 0.5), min(float(w), x2 + 0.5), min(float(h), y2 + 0.5)
        if x2 > x1 and y2 > y1:
            kept_boxes.append([x1, y1, x2, y2])
            kept.append(i)
    # Red cells left round are drawn back through their own soft mask, not their box, which may hold a deformed
    # neighbour; then white cells and platelets, every pixel of their boxes.
    for i in range(len(labels)):
        if i not in cells and int(labels[i]) == RED_CELL:
            cell = _Cell(boxes[i])
            window = _window(cell.cx - EDGE * cell.a, cell.cy - EDGE * cell.b, cell.cx + EDGE * cell.a,
                             cell.cy + EDGE * cell.b, w, h)
            if window is not None:
                x0, x1, y0, y1 = window
                m = _mask(cell.radius(*_offsets(cell, window))).float()
                out[:, y0:y1 + 1, x0:x1 + 1] = (m * original[:, y0:y1 + 1, x0:x1 + 1]
                                                + (1 - m) * out[:, y0:y1 + 1, x0:x1 + 1])
    for i in range(len(labels)):
        if int(labels[i]) != RED_CELL:
            x1, y1, x2, y2 = boxes[i].tolist()
            ys = slice(max(0, int(math.floor(y1))), min(h, int(math.ceil(y2))))
            xs = slice(max(0, int(math.floor(x1))), min(w, int(math.ceil(x2))))
            out[:, ys, xs] = original[:, ys, xs]
    new_boxes = torch.tensor(kept_boxes, dtype=boxes.dtype).reshape(-1, 4)
    return out.round().clamp(0, 255).to(torch.uint8), new_boxes, labels[torch.tensor(kept, dtype=torch.long)]
