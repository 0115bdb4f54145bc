import os
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from efficientdet.data import VocDetection, read_image_facts

ANNOTATION = """<annotation><filename>{name}</filename><size><width>100</width><height>80</height><depth>3</depth>
</size>{scale}<object><name>RBC</name><bndbox><xmin>10</xmin><ymin>10</ymin><xmax>30</xmax><ymax>30</ymax>
</bndbox></object>{unlabelled}</annotation>"""


def site_voc(root, scale="<scale><microns_per_pixel>0.2</microns_per_pixel></scale>",
             unlabelled="<unlabelled>Platelets</unlabelled>"):
    for sub in ("Annotations", "JPEGImages", "ImageSets/Main"):
        os.makedirs(os.path.join(root, sub))
    Image.fromarray(np.full((80, 100, 3), 200, np.uint8)).save(os.path.join(root, "JPEGImages", "crop-1.png"))
    with open(os.path.join(root, "Annotations", "crop-1.xml"), "w") as f:
        f.write(ANNOTATION.format(name="crop-1.png", scale=scale, unlabelled=unlabelled))
    with open(os.path.join(root, "ImageSets", "Main", "train.txt"), "w") as f:
        f.write("crop-1\n")


class SiteDataTest(unittest.TestCase):

    def test_a_site_image_is_read_at_its_physical_scale_with_its_unlabelled_classes(self):
        with tempfile.TemporaryDirectory() as root:
            site_voc(root)
            name, mpp, known = read_image_facts(root, "crop-1")
            self.assertEqual(("crop-1.png", 0.2), (name, mpp))
            self.assertTrue(torch.equal(known, torch.tensor([1.0, 1.0, 0.0])))
            # training shows cells at 0.1 µm per pixel: the 0.2-µm image is doubled, not fitted to 512
            image, boxes, labels, seen = VocDetection(root, ["train"], False, scale=512, scale_mpp=0.1)[0]
            self.assertTrue(torch.allclose(boxes, torch.tensor([[20.0, 20.0, 60.0, 60.0]])))
            self.assertTrue(torch.equal(seen, known))

    def test_an_image_without_a_stated_scale_is_fitted_as_before(self):
        with tempfile.TemporaryDirectory() as root:
            site_voc(root, scale="", unlabelled="")
            _, boxes, _, seen = VocDetection(root, ["train"], False, scale=200, scale_mpp=0.1)[0]
            self.assertTrue(torch.allclose(boxes, torch.tensor([[20.0, 20.0, 60.0, 60.0]])))
            self.assertTrue(torch.equal(seen, torch.ones(3)))


if __name__ == "__main__":
    unittest.main()
