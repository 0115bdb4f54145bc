"""Writes a pre-processing parity fixture: a small PNG and sampled values of its letterboxed
tensor, so the Java pre-processor is checked against PyTorch's, not assumed equal.

    python3 -m efficientdet.parity --out DIR
"""
import argparse
import os

import numpy as np
import torch
from PIL import Image

from .data import letterbox, load_image


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(7)
    for w, h in ((100, 75), (660, 495)):       # upscaling and downscaling (640x480 -> 512x384 is the latter)
        # smooth gradients plus noise: interpolation errors show on both
        yy, xx = np.mgrid[0:h, 0:w]
        base = np.stack([xx * 250 / w, yy * 250 / h, (xx / w + yy / h) * 140], -1)
        pixels = np.clip(base + rng.integers(-40, 40, base.shape) * (w < 200) + rng.integers(-6, 6, base.shape), 0, 255).astype(np.uint8)
        name = f"parity-{w}x{h}"
        png = os.path.join(a.out, name + ".png")
        Image.fromarray(pixels).save(png)
        tensor, scale = letterbox(load_image(png))
        g = torch.Generator().manual_seed(11)
        with open(os.path.join(a.out, name + ".samples.txt"), "w") as f:
            f.write(f"# scale {scale!r}; lines: channel y x value of the 3x512x512 letterboxed tensor\n")
            for _ in range(400):
                c = int(torch.randint(0, 3, (1,), generator=g))
                y = int(torch.randint(0, 400, (1,), generator=g))   # 384 rows of image, then padding
                x = int(torch.randint(0, 512, (1,), generator=g))
                f.write(f"{c} {y} {x} {float(tensor[c, y, x])!r}\n")


if __name__ == "__main__":
    main()
