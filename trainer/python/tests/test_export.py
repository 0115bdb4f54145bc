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

    def test_input_size_chosen_at_export_is_the_models_input_shape_and_metadata(self):
        torch.manual_seed(0)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            export(EfficientDetD0(), path, "test", "0.0.1", input_size=576)
            proto = onnx.load(path)
            dims = [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim[1:]]
            self.assertEqual([3, 576, 576], dims)
            self.assertEqual(576, onnx_input_size(path))
            self.assertEqual(["m.onnx"], os.listdir(tmp))     # built beside it, renamed over it

    def test_the_model_carries_its_post_processing_and_set_changes_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            export(EfficientDetD0(), path, "test", "0.0.1", input_size=128, post_processing={"test_time_flips": 1})
            props = {p.key: p.value for p in onnx.load(path).metadata_props}
        expected = {k: str(v) for k, v in POST_PROCESSING.items()}
        expected["test_time_flips"] = "1"
        self.assertEqual(expected, {k: props[k] for k in POST_PROCESSING})

    def test_export_leaves_the_model_in_eval_mode(self):
        model = EfficientDetD0().train()
        with tempfile.TemporaryDirectory() as tmp:
            export(model, os.path.join(tmp, "m.onnx"), "test", "0.0.1", input_size=128)
        self.assertFalse(any(m.training for m in model.modules()))


if __name__ == "__main__":
    unittest.main()
