import contextlib
import io
import os
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from efficientdet import train
from efficientdet.evaluate import read_checkpoint


def write_voc(root, count=2):
    """A tiny VOC folder: count 96x80 images, each with one RBC and one platelet."""
    for sub in ("JPEGImages", "Annotations", os.path.join("ImageSets", "Main")):
        os.makedirs(os.path.join(root, sub))
    rng = np.random.default_rng(0)
    ids = [f"img{i}" for i in range(count)]
    for i in ids:
        Image.fromarray(rng.integers(0, 255, (80, 96, 3), dtype=np.uint8)).save(os.path.join(root, "JPEGImages", i + ".jpg"))
        objects = "".join(f"<object><name>{n}</name><bndbox><xmin>{b[0]}</xmin><ymin>{b[1]}</ymin>"
                          f"<xmax>{b[2]}</xmax><ymax>{b[3]}</ymax></bndbox></object>"
                          for n, b in (("RBC", (10, 10, 50, 46)), ("Platelets", (60, 50, 72, 62))))
        with open(os.path.join(root, "Annotations", i + ".xml"), "w") as f:
            f.write(f"<annotation>{objects}</annotation>")
    with open(os.path.join(root, "ImageSets", "Main", "train.txt"), "w") as f:
        f.write("\n".join(ids) + "\n")


class ResumeTest(unittest.TestCase):

    def train(self, voc, out, *extra):
        with contextlib.redirect_stdout(io.StringIO()):
            return train.main(["--voc", voc, "--out", out, "--val-split", "", "--batch-size", "2", "--crop", "128",
                               "--threads", "1", "--seed", "7", *extra])

    def test_a_run_stopped_after_an_epoch_and_resumed_ends_where_the_whole_run_ends(self):
        with tempfile.TemporaryDirectory() as tmp:
            voc = os.path.join(tmp, "voc")
            write_voc(voc)
            whole, parts = os.path.join(tmp, "whole"), os.path.join(tmp, "parts")
            self.train(voc, whole, "--epochs", "3")
            # stops after epoch 1; all 3 steps sit in the 100-step warm-up, so --max-steps leaves their rates alone
            self.train(voc, parts, "--epochs", "3", "--max-steps", "1")
            self.train(voc, parts, "--epochs", "3", "--resume")
            a = read_checkpoint(os.path.join(whole, "last.pt"))
            b = read_checkpoint(os.path.join(parts, "last.pt"))
            self.assertEqual(3, b["epoch"])
            self.assertEqual(a["resume"]["step"], b["resume"]["step"])
            for name, tensor in a["model"].items():
                self.assertTrue(torch.equal(tensor, b["model"][name]), name)
            for name, tensor in a["resume"]["model"].items():
                self.assertTrue(torch.equal(tensor, b["resume"]["model"][name]), name)

    def test_resuming_with_other_training_arguments_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            voc = os.path.join(tmp, "voc")
            write_voc(voc)
            out = os.path.join(tmp, "run")
            self.train(voc, out, "--epochs", "2", "--max-steps", "1")
            with self.assertRaises(SystemExit) as refused:
                self.train(voc, out, "--epochs", "2", "--resume", "--lr", "0.1")
            self.assertIn("lr", str(refused.exception.code))


if __name__ == "__main__":
    unittest.main()
