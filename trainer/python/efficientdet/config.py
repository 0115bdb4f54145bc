"""Constants shared by training, export and evaluation: they are the ONNX contract's metadata."""

CLASSES = ("RBC", "WBC", "Platelets")
INPUT_SIZE = 512
LEVELS = (3, 4, 5, 6, 7)
ANCHOR_SCALE = 4.0
SCALES = (1.0, 2 ** (1.0 / 3.0), 2 ** (2.0 / 3.0))
RATIOS = ((1.0, 1.0), (1.4, 0.7), (0.7, 1.4))
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
NUM_ANCHORS = len(SCALES) * len(RATIOS)
