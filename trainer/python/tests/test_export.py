import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import onnx
import torch

from efficientdet import train
from efficientdet.config import POST_PROCESSING
from efficientdet.evaluate import load_checkpoint, onnx_input_size
from efficientdet.export import DOMAIN_KEYS, export, read_domain, restamp
from efficientdet.model import EfficientDetD0
from tests.test_resume import write_voc


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

    def test_restamp_gives_an_older_model_only_the_keys_it_lacks_and_keeps_its_graph(self):
        proto = onnx.load(self.path)
        kept = [p for p in proto.metadata_props if p.key not in ("soft_nms_sigma", "box_voting_iou")]
        del proto.metadata_props[:]
        proto.metadata_props.extend(kept)
        with tempfile.TemporaryDirectory() as tmp:
            old = os.path.join(tmp, "old.onnx")
            onnx.save(proto, old)
            added = restamp(old, {"soft_nms_sigma": 0.25})
            props = {p.key: p.value for p in onnx.load(old).metadata_props}
            self.assertEqual({"soft_nms_sigma": 0.25, "box_voting_iou": POST_PROCESSING["box_voting_iou"]}, added)
            self.assertEqual("0.25", props["soft_nms_sigma"])
            self.assertEqual("1", props["test_time_flips"])    # the model's own value stays
            self.assertEqual(proto.graph.SerializeToString(), onnx.load(old).graph.SerializeToString())
            self.assertEqual(["old.onnx"], os.listdir(tmp))

    def test_restamp_with_a_domain_replaces_those_keys_and_the_version_and_nothing_else(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            shutil.copy(self.path, path)
            first = os.path.join(tmp, "first.json")
            with open(first, "w") as f:
                json.dump({"input_microns_per_pixel": "0.08", "scale_reference": "RBC:7.5",
                           "count_thresholds": "WBC:0.5"}, f)
            restamp(path, domain=read_domain(first))
            with open(first, "w") as f:
                json.dump({"count_thresholds": "WBC:0.6"}, f)
            restamp(path, domain=read_domain(first), version="9.9.9")
            props = [(p.key, p.value) for p in onnx.load(path).metadata_props]
            self.assertEqual(1, sum(1 for k, _ in props if k == "count_thresholds"), "replaced, not added twice")
            props = dict(props)
            self.assertEqual("WBC:0.6", props["count_thresholds"])
            self.assertEqual("0.08", props["input_microns_per_pixel"])
            self.assertEqual("9.9.9", props["model_version"])
            self.assertEqual(str(POST_PROCESSING["score_threshold"]), props["score_threshold"])

    def test_a_domain_file_with_an_unknown_key_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "d.json")
            with open(path, "w") as f:
                json.dump({"count_threshold": "WBC:0.5"}, f)
            with self.assertRaises(ValueError) as e:
                read_domain(path)
            self.assertIn("count_threshold", str(e.exception))
            self.assertIn(DOMAIN_KEYS[0], str(e.exception))


class NoValidationRunTest(unittest.TestCase):

    def test_a_run_without_a_validation_split_leaves_a_checkpoint_the_exporter_turns_into_a_model(self):
        with tempfile.TemporaryDirectory() as tmp:
            voc, out = os.path.join(tmp, "voc"), os.path.join(tmp, "run")
            write_voc(voc)
            with contextlib.redirect_stdout(io.StringIO()):
                train.main(["--voc", voc, "--out", out, "--val-split", "", "--epochs", "1", "--batch-size", "2",
                            "--crop", "128", "--threads", "1"])
            self.assertFalse(os.path.exists(os.path.join(out, "best.pt")), "no val, so no best checkpoint")
            path = os.path.join(tmp, "m.onnx")
            export(load_checkpoint(os.path.join(out, "last.pt")), path, "no-val", "0.0.1", input_size=128)
            self.assertEqual(128, onnx_input_size(path))


if __name__ == "__main__":
    unittest.main()
