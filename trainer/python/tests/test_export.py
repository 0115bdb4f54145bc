import os
import tempfile
import unittest

import onnx
import torch

from efficientdet.config import POST_PROCESSING
from efficientdet.evaluate import onnx_input_size
from efficientdet.export import export
from efficientdet.model import EfficientDetD0


class ExportTest(unittest.TestCase):
    """One export (the slow part) of a model left in training mode, at a side other than the default, with one
    post-processing setting changed."""

    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.model = EfficientDetD0().train()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "m.onnx")
        export(cls.model, cls.path, "test", "0.0.1", input_size=192, post_processing={"test_time_flips": 1})

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_input_size_chosen_at_export_is_the_models_input_shape_and_metadata(self):
        proto = onnx.load(self.path)
        dims = [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim[1:]]
        self.assertEqual([3, 192, 192], dims)
        self.assertEqual(192, onnx_input_size(self.path))
        self.assertEqual(["m.onnx"], os.listdir(self.tmp.name))     # built beside it, renamed over it

    def test_the_model_carries_its_post_processing_and_set_changes_it(self):
        props = {p.key: p.value for p in onnx.load(self.path).metadata_props}
        expected = {k: str(v) for k, v in POST_PROCESSING.items()}
        expected["test_time_flips"] = "1"
        self.assertEqual(expected, {k: props[k] for k in POST_PROCESSING})

    def test_export_leaves_the_model_in_eval_mode(self):
        self.assertFalse(any(m.training for m in self.model.modules()))


if __name__ == "__main__":
    unittest.main()
