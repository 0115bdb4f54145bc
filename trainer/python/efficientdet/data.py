"""BCCD as PASCAL VOC: loading, the contract's pre-processing, and microscopy augmentation."""
import io
import math
import os
import random
import xml.etree.ElementTree as ET

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .anchors import assign
from .config import CLASSES, INPUT_SIZE, MEAN, STD
from .deform import deform_red_cells


def read_split(voc_dir, split):
    with open(os.path.join(voc_dir, "ImageSets", "Main", split + ".txt")) as f:
        return [line.strip() for line in f if line.strip()]


def read_annotation(voc_dir, image_id):
    """Boxes [G,4] as (x1, y1, x2, y2) in pixels and class indices [G].

    VOC coordinates are 1-based inclusive; BCCD's are used as-is (they include 0 and the image
    width), the same convention the Java evaluator uses, so both sides score identical boxes.
    """
    root = ET.parse(os.path.join(voc_dir, "Annotations", image_id + ".xml")).getroot()
    boxes, labels = [], []
    for obj in root.iter("object"):
        name = obj.findtext("name").strip()
        if name not in CLASSES:
            continue
        bb = obj.find("bndbox")
        box = [float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax")]
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        boxes.append(box)
        labels.append(CLASSES.index(name))
    return (torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            torch.tensor(labels, dtype=torch.long))


def read_image_facts(voc_dir, image_id):
    """What a site's annotation adds to VOC (the Java VocAnnotation writes it): the image's file name, its physical
    scale (<scale><microns_per_pixel>, None when absent) and which classes nobody labelled on it (<unlabelled>),
    as a [C] float mask that is 0 for those classes."""
    root = ET.parse(os.path.join(voc_dir, "Annotations", image_id + ".xml")).getroot()
    filename = (root.findtext("filename") or "").strip()
    mpp = root.findtext("scale/microns_per_pixel")
    known = torch.ones(len(CLASSES))
    for name in root.iter("unlabelled"):
        if name.text and name.text.strip() in CLASSES:
            known[CLASSES.index(name.text.strip())] = 0
    return filename, (float(mpp) if mpp else None), known


def image_path(voc_dir, image_id, filename=""):
    """JPEGImages/<id>.jpg as in BCCD, else the file the annotation names (a site's PNGs)."""
    jpg = os.path.join(voc_dir, "JPEGImages", image_id + ".jpg")
    if os.path.exists(jpg) or not filename:
        return jpg
    return os.path.join(voc_dir, "JPEGImages", os.path.basename(filename))


def load_image(path):
    """uint8 RGB tensor [3, H, W]."""
    with Image.open(path) as im:
        return torch.from_numpy(np.asarray(im.convert("RGB")).copy()).permute(2, 0, 1).contiguous()


def normalise(image_float):
    mean = torch.tensor(MEAN).view(3, 1, 1)
    std = torch.tensor(STD).view(3, 1, 1)
    return (image_float / 255.0 - mean) / std


def resize(image_uint8, height, width):
    """Bilinear, half-pixel centres, no antialiasing: what the Java pre-processor does."""
    x = image_uint8.float().unsqueeze(0)
    return F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)[0]


def content_size(width, height, scale):
    """Where letterbox() puts an image: its resized width and height at the canvas' top-left."""
    return int(round(width * scale)), int(round(height * scale))


def letterbox(image_uint8, size=INPUT_SIZE, scale=None):
    """The contract's pre-processing: [3,S,S] normalised tensor and the scale applied. `scale`, where given (an
    image at a known physical scale), replaces fitting the long side to S; the canvas grows if the image needs it."""
    _, h, w = image_uint8.shape
    scale = scale or size / max(w, h)
    nw, nh = content_size(w, h, scale)
    size = max(size, nw, nh)
    canvas = torch.zeros(3, size, size)
    canvas[:, :nh, :nw] = normalise(resize(image_uint8, nh, nw))
    return canvas, scale


class VocDetection(torch.utils.data.Dataset):
    """Images are decoded once and kept in memory: BCCD is 364 small JPEGs.

    Samples are (image [3,S,S], boxes [G,4], labels [G], known classes [C]). An image whose annotation states its
    physical scale is brought to `scale_mpp` (the microns per pixel training shows cells at) instead of having its
    long side fitted to `scale`: a site's microscope magnifies differently from BCCD's."""

    def __init__(self, voc_dir, splits, train, crop=INPUT_SIZE, limit=None, scale=INPUT_SIZE, mosaic=0.0,
                 robust=False, scale_mpp=None, abnormal=0.0):
        ids = [i for s in splits for i in read_split(voc_dir, s)]
        if limit:
            ids = ids[:limit]
        self.ids = ids
        facts = [read_image_facts(voc_dir, i) for i in ids]
        self.images = [load_image(image_path(voc_dir, i, f[0])) for i, f in zip(ids, facts)]
        self.targets = [read_annotation(voc_dir, i) for i in ids]
        self.fits = [mpp / scale_mpp if mpp and scale_mpp else None for _, mpp, _ in facts]
        self.known = [f[2] for f in facts]
        self.train = train
        self.crop = crop
        self.scale = scale
        self.mosaic = mosaic
        self.robust = robust
        self.abnormal = abnormal

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, idx):
        if not self.train:
            tensor, scale = letterbox(self.images[idx], self.scale, self.fits[idx])
            boxes, labels = self.targets[idx]
            return tensor, boxes * scale, labels, self.known[idx]
        if self.mosaic and random.random() < self.mosaic:
            picked = [idx] + [random.randrange(len(self)) for _ in range(3)]
            known = torch.stack([self.known[i] for i in picked]).min(0).values
            return mosaic([self._augmented(i)[:3] for i in picked], self.crop) + (known,)
        return self._augmented(idx)

    def _augmented(self, idx):
        image, (boxes, labels) = self.images[idx], self.targets[idx]
        return augment(image, boxes.clone(), labels.clone(), self.crop, self.scale, self.robust,
                       self.fits[idx], self.abnormal) + (self.known[idx],)


def _rot90(image, boxes, k):
    for _ in range(k):                       # 90° counter-clockwise each time
        _, h, w = image.shape
        image = torch.rot90(image, 1, (1, 2))
        boxes = torch.stack([boxes[:, 1], w - boxes[:, 2], boxes[:, 3], w - boxes[:, 0]], 1)
    return image, boxes


def _stain_jitter(x):
    """Brightness, contrast, saturation and per-channel gain: scanners and stains differ."""
    x = x * random.uniform(0.8, 1.2)
    mean = x.mean()
    x = (x - mean) * random.uniform(0.8, 1.2) + mean
    grey = x.mean(0, keepdim=True)
    x = (x - grey) * random.uniform(0.7, 1.3) + grey
    x = x * torch.empty(3, 1, 1).uniform_(0.92, 1.08)
    return x.clamp(0, 255)


# Ruifrok and Johnston's stain vectors (haematoxylin, eosin, DAB) as optical densities, the rows of the
# matrix that turns stain amounts into RGB optical density (the values scikit-image uses).
RGB_FROM_HED = torch.tensor([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]])
HED_FROM_RGB = torch.linalg.inv(RGB_FROM_HED)

# The microscope-robust recipe (--robust): the range of cell sizes, relative to the reference scale, and the chance
# of each degradation a scanner other than BCCD's brings.
ROBUST_SCALE_RANGE = (0.5, 2.0)
PLAIN_SCALE_RANGE = (0.75, 1.33)
ROBUST_P = {"hed": 0.8, "blur": 0.3, "noise": 0.3, "jpeg": 0.3}


def hed_jitter(x, alpha, beta):
    """Stain augmentation in HED space (Tellez et al. 2018): each stain's amount is scaled by alpha and shifted by
    beta, so an image looks stained more or less strongly, or with another haematoxylin/eosin balance.

    x: float RGB [3,H,W] in 0..255; alpha, beta: [3]."""
    od = -torch.log((x.clamp(0, 255) + 1) / 256)                   # optical density, 0 for white
    hed = torch.einsum("chw,cs->shw", od, HED_FROM_RGB)
    hed = hed * alpha.view(3, 1, 1) + beta.view(3, 1, 1)
    od = torch.einsum("shw,sc->chw", hed, RGB_FROM_HED)
    return (256 * torch.exp(-od) - 1).clamp(0, 255)


def gaussian_blur(x, sigma):
    """Out of focus: a separable Gaussian of this sigma (pixels), edges replicated."""
    radius = max(1, int(math.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-t ** 2 / (2 * sigma ** 2))
    k = k / k.sum()
    y = F.pad(x.unsqueeze(0), (radius, radius, radius, radius), mode="replicate")
    y = F.conv2d(y, k.view(1, 1, 1, -1).repeat(3, 1, 1, 1), groups=3)
    y = F.conv2d(y, k.view(1, 1, -1, 1).repeat(3, 1, 1, 1), groups=3)
    return y[0]


def jpeg(x, quality):
    """The image as a scanner that compresses hard would send it: encoded and decoded at this JPEG quality."""
    array = x.clamp(0, 255).round().byte().permute(1, 2, 0).numpy()
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as im:
        return torch.from_numpy(np.asarray(im.convert("RGB")).copy()).permute(2, 0, 1).float()


def _microscope_jitter(x):
    """Other stains, focus, sensor noise and compression (the --robust recipe), each with its ROBUST_P."""
    if random.random() < ROBUST_P["hed"]:
        x = hed_jitter(x, torch.empty(3).uniform_(0.7, 1.3), torch.empty(3).uniform_(-0.05, 0.05))
    if random.random() < ROBUST_P["blur"]:
        x = gaussian_blur(x, random.uniform(0.5, 2.0))
    if random.random() < ROBUST_P["noise"]:
        x = (x + torch.randn_like(x) * random.uniform(2.0, 10.0)).clamp(0, 255)
    if random.random() < ROBUST_P["jpeg"]:
        x = jpeg(x, random.randint(30, 95))
    return x


# With --abnormal, the share of training fields whose red cells are deformed (deform.py); within such a field each red
# cell is deformed with the flag's probability, so a field mixes normal and abnormal cells.
ABNORMAL_FIELD_P = 0.3


def augment(image, boxes, labels, crop, reference=INPUT_SIZE, robust=False, fit=None, abnormal=0.0):
    """Abnormal red cells (`abnormal` > 0: deform.deform_red_cells, so that elongated and sickle-like red cells stay
    red cells), flips on both axes, 90° rotations, scale jitter around the reference scale (the image's long side
    letterboxed to `reference` pixels, or resized by `fit` for an image at a known physical scale), stain jitter, then a random crop×crop window of the letterboxed
    canvas (padding = 0 after normalising). `robust` widens the scale jitter (ROBUST_SCALE_RANGE) and adds
    HED stain jitter, blur, noise and JPEG compression."""
    if abnormal and random.random() < ABNORMAL_FIELD_P:
        image, boxes, labels = deform_red_cells(image, boxes, labels, probability=abnormal)
    if random.random() < 0.5:
        image = image.flip(2)
        w = image.shape[2]
        boxes = torch.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], 1)
    if random.random() < 0.5:
        image = image.flip(1)
        h = image.shape[1]
        boxes = torch.stack([boxes[:, 0], h - boxes[:, 3], boxes[:, 2], h - boxes[:, 1]], 1)
    image, boxes = _rot90(image, boxes, random.randrange(4))

    _, h, w = image.shape
    low, high = ROBUST_SCALE_RANGE if robust else PLAIN_SCALE_RANGE
    scale = (fit or reference / max(w, h)) * math.exp(random.uniform(math.log(low), math.log(high)))
    nh, nw = int(round(h * scale)), int(round(w * scale))
    resized = resize(image, nh, nw)
    boxes = boxes * torch.tensor([nw / w, nh / h, nw / w, nh / h])
    resized = _stain_jitter(resized)
    if robust:
        resized = _microscope_jitter(resized)
    resized = normalise(resized)

    # As at inference, the image sits at the top-left of a square canvas padded with 0: the
    # window is cut from that canvas, so the model learns that the padding is background.
    side = max(reference, nh, nw)
    y0 = random.randint(0, max(0, min(nh, side) - crop // 2))
    x0 = random.randint(0, max(0, min(nw, side) - crop // 2))
    y0, x0 = min(y0, side - crop), min(x0, side - crop)
    out = torch.zeros(3, crop, crop)
    hh, ww = max(0, min(nh - y0, crop)), max(0, min(nw - x0, crop))
    out[:, :hh, :ww] = resized[:, y0:y0 + hh, x0:x0 + ww]

    boxes = boxes - torch.tensor([x0, y0, x0, y0], dtype=torch.float32)
    return (out,) + _inside(boxes, labels, (0, 0, crop, crop))


def _inside(boxes, labels, region):
    """The boxes clipped to region (x1, y1, x2, y2), and their labels, for the cells still recognisable there.

    A cell mostly cut away is no longer a recognisable cell; a cell cut at the image border in the original
    slide is still annotated, so a box is kept when at least 40% of it lies inside."""
    x1, y1, x2, y2 = region
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    clipped = torch.stack([boxes[:, 0].clamp(x1, x2), boxes[:, 1].clamp(y1, y2),
                           boxes[:, 2].clamp(x1, x2), boxes[:, 3].clamp(y1, y2)], 1)
    clipped_area = (clipped[:, 2] - clipped[:, 0]) * (clipped[:, 3] - clipped[:, 1])
    keep = clipped_area >= 0.4 * area
    return clipped[keep], labels[keep]


def mosaic(samples, crop):
    """Four augmented crop×crop samples in one window: a random point splits it into four quadrants, and
    quadrant k shows the top-left of sample k's window, which lies on the slide (augment's windows start on
    it), with the cells _inside it. More cells, slides and stains per step: the val AP of the plain runs
    stopped rising while their training loss kept falling."""
    cx, cy = random.randint(crop // 4, 3 * crop // 4), random.randint(crop // 4, 3 * crop // 4)
    regions = ((0, 0, cx, cy), (cx, 0, crop, cy), (0, cy, cx, crop), (cx, cy, crop, crop))
    out = torch.zeros(3, crop, crop)
    boxes, labels = [], []
    for (image, b, l), (x1, y1, x2, y2) in zip(samples, regions):
        w, h = x2 - x1, y2 - y1
        out[:, y1:y2, x1:x2] = image[:, :h, :w]
        kept_boxes, kept_labels = _inside(b, l, (0, 0, w, h))
        boxes.append(kept_boxes + torch.tensor([x1, y1, x1, y1], dtype=torch.float32))
        labels.append(kept_labels)
    return out, torch.cat(boxes), torch.cat(labels)


class AssignedBatches:
    """A DataLoader's collate_fn: stacks a batch and assigns every anchor its target, so that with --workers the
    loader's processes do that work too (on a GPU, assigning in the training loop would leave it waiting).

    Yields images [N,3,S,S], labels [N,A] (-1 background, -2 ignore, else the class), matched boxes [N,A,4] and
    the classes labelled on each image [N,C] (0 where nobody labelled that class there)."""

    def __init__(self, anchors):
        self.anchors = anchors

    def __call__(self, batch):
        targets = [assign(self.anchors, b[1], b[2]) for b in batch]
        return (torch.stack([b[0] for b in batch]), torch.stack([t[0] for t in targets]),
                torch.stack([t[1] for t in targets]), torch.stack([b[3] for b in batch]))


class MixedSampler(torch.utils.data.Sampler):
    """Draws an epoch of a ConcatDataset([site, mix]) so that about `mix_share` of the samples come from the
    second part: a site fine-tune keeps seeing the images the model already knew, so it keeps what it knew."""

    def __init__(self, first, second, mix_share):
        self.first, self.second, self.mix_share = first, second, mix_share
        self.length = max(first, int(round(first / (1 - mix_share))))

    def __len__(self):
        return self.length

    def __iter__(self):
        for _ in range(self.length):
            if random.random() < self.mix_share:
                yield self.first + random.randrange(self.second)
            else:
                yield random.randrange(self.first)
