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

# The post-processing an exported model carries in its metadata (models/CONTRACT.md), which the Java workers and
# evaluator run unless told otherwise; chosen on val for release 1.2.0 (models/README.md). `export --set KEY=VALUE`
# gives a new model other values, and `evaluate` defaults to these.
POST_PROCESSING = {
    "score_threshold": 0.3,     # counting threshold
    "nms_iou_threshold": 0.5,   # greedy NMS, where soft_nms_sigma is 0
    "max_detections": 200,
    "test_time_flips": 2,       # as is and mirrored left-right
    "box_voting_iou": 0.8,
    "soft_nms_sigma": 0.5,
}
