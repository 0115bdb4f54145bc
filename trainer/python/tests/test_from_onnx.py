import os
import tempfile
import unittest

import torch
import torch.nn as nn

from efficientdet.export import export
from efficientdet.from_onnx import freeze_batch_norm, load_onnx_weights
from efficientdet.model import EfficientDetD0


def with_trained_like_norms(model, seed=0):
    """Batch norms as training leaves them: statistics and affine terms far from the identity."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(0.5 * torch.randn(n, generator=g))
                m.running_var.copy_(0.5 + torch.rand(n, generator=g))
                m.weight.copy_(0.5 + torch.rand(n, generator=g))
                m.bias.copy_(0.2 * torch.randn(n, generator=g))
        for name, p in model.named_parameters():
            if name.endswith(".weights"):      # fusion weights
                p.copy_(0.5 + torch.rand(p.shape, generator=g))
    return model


class FromOnnxTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        torch.manual_seed(1)
        cls.original = with_trained_like_norms(EfficientDetD0()).eval()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "m.onnx")
        export(cls.original, cls.path, "test", "0.0.1")
        torch.manual_seed(2)   # a differently initialised model receives the weights
        cls.recovered = load_onnx_weights(EfficientDetD0(), cls.path).eval()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_recovered_model_computes_what_the_exported_one_did(self):
        images = torch.randn(2, 3, 512, 512)
        with torch.no_grad():
            logits0, boxes0 = self.original(images)
            logits1, boxes1 = self.recovered(images)
        self.assertLess((logits0 - logits1).abs().max().item(), 1e-3)
        self.assertLess((boxes0 - boxes1).abs().max().item(), 1e-3)

    def test_frozen_norms_keep_the_recovered_function_while_training(self):
        model = freeze_batch_norm(load_onnx_weights(EfficientDetD0(), self.path).train())
        for m in model.modules():           # no drop-path randomness: compare the functions only
            if hasattr(m, "drop_path"):
                m.drop_path = 0.0
        images = torch.randn(2, 3, 256, 256)
        with torch.no_grad():
            logits_train, _ = model(images)
            logits_eval, _ = self.recovered(images)
        self.assertLess((logits_train - logits_eval).abs().max().item(), 1e-3)

    def test_a_file_with_another_architecture_is_refused(self):
        with self.assertRaisesRegex(ValueError, "convolutions"):
            load_onnx_weights(nn.Sequential(nn.Conv2d(3, 8, 3)), self.path)


if __name__ == "__main__":
    unittest.main()
