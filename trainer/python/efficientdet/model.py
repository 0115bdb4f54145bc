"""EfficientDet-D0: EfficientNet-B0 backbone, 3-layer BiFPN with 64 channels, shared heads."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import CLASSES, NUM_ANCHORS

BN_MOMENTUM = 0.1  # PyTorch default: TF's 0.01 lags far behind the weights in a short from-scratch run
BN_EPS = 1e-3


def bn(ch):
    return nn.BatchNorm2d(ch, momentum=BN_MOMENTUM, eps=BN_EPS)


class ConvBnAct(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1, groups=1, act=True):
        layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), bn(cout)]
        if act:
            layers.append(nn.SiLU())
        super().__init__(*layers)


class SqueezeExcite(nn.Module):
    def __init__(self, ch, squeezed):
        super().__init__()
        self.reduce = nn.Conv2d(ch, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, ch, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.expand(F.silu(self.reduce(s))))


class MBConv(nn.Module):
    """Mobile inverted bottleneck with squeeze-excitation (ratio 0.25 of the block input)."""

    def __init__(self, cin, cout, k, stride, expand, drop_path):
        super().__init__()
        mid = cin * expand
        self.expand = ConvBnAct(cin, mid, 1) if expand != 1 else nn.Identity()
        self.depthwise = ConvBnAct(mid, mid, k, stride, groups=mid)
        self.se = SqueezeExcite(mid, max(1, int(cin * 0.25)))
        self.project = ConvBnAct(mid, cout, 1, act=False)
        self.residual = stride == 1 and cin == cout
        self.drop_path = drop_path

    def forward(self, x):
        y = self.project(self.se(self.depthwise(self.expand(x))))
        if not self.residual:
            return y
        if self.training and self.drop_path > 0:
            keep = 1 - self.drop_path
            mask = torch.rand((x.shape[0], 1, 1, 1), dtype=x.dtype, device=x.device) < keep
            y = y * mask / keep
        return x + y


# (expand, kernel, stride, out channels, repeats) for EfficientNet-B0's seven stages.
B0_STAGES = ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
             (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1))


class EfficientNetB0(nn.Module):
    """Returns the stride-8, 16 and 32 feature maps (40, 112 and 320 channels)."""

    out_channels = (40, 112, 320)

    def __init__(self, drop_path_rate=0.2):
        super().__init__()
        self.stem = ConvBnAct(3, 32, 3, 2)
        total = sum(s[4] for s in B0_STAGES)
        blocks, cin, idx = [], 32, 0
        for expand, k, stride, cout, repeats in B0_STAGES:
            stage = []
            for r in range(repeats):
                stage.append(MBConv(cin, cout, k, stride if r == 0 else 1, expand,
                                    drop_path_rate * idx / total))
                cin, idx = cout, idx + 1
            blocks.append(nn.Sequential(*stage))
        self.stages = nn.ModuleList(blocks)

    def forward(self, x):
        x = self.stem(x)
        feats = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in (2, 4, 6):
                feats.append(x)
        return feats


class SeparableConv(nn.Sequential):
    def __init__(self, cin, cout, norm=True):
        layers = [nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False),
                  nn.Conv2d(cin, cout, 1, bias=not norm)]
        if norm:
            layers.append(bn(cout))
        super().__init__(*layers)


class FastFusion(nn.Module):
    """Fast normalised fusion: sum(relu(w_i) * x_i) / (sum(relu(w_i)) + eps), then swish + conv."""

    def __init__(self, n_inputs, ch):
        super().__init__()
        self.weights = nn.Parameter(torch.ones(n_inputs))
        self.conv = SeparableConv(ch, ch)

    def forward(self, inputs):
        w = F.relu(self.weights)
        w = w / (w.sum() + 1e-4)
        fused = sum(w[i] * x for i, x in enumerate(inputs))
        return self.conv(F.silu(fused))


def resize_to(x, ref):
    return F.interpolate(x, size=ref.shape[-2:], mode="nearest")


def downsample(x):
    return F.max_pool2d(x, 3, 2, 1)


class BiFPNLayer(nn.Module):
    """One top-down then bottom-up pass over P3..P7 (five levels)."""

    def __init__(self, ch):
        super().__init__()
        self.td = nn.ModuleList([FastFusion(2, ch) for _ in range(4)])   # P6td, P5td, P4td, P3out
        self.bu = nn.ModuleList([FastFusion(3, ch) for _ in range(3)] + [FastFusion(2, ch)])  # P4..P7 out

    def forward(self, feats):
        p3, p4, p5, p6, p7 = feats
        p6_td = self.td[0]([p6, resize_to(p7, p6)])
        p5_td = self.td[1]([p5, resize_to(p6_td, p5)])
        p4_td = self.td[2]([p4, resize_to(p5_td, p4)])
        p3_out = self.td[3]([p3, resize_to(p4_td, p3)])
        p4_out = self.bu[0]([p4, p4_td, resize_to(downsample(p3_out), p4)])
        p5_out = self.bu[1]([p5, p5_td, resize_to(downsample(p4_out), p5)])
        p6_out = self.bu[2]([p6, p6_td, resize_to(downsample(p5_out), p6)])
        p7_out = self.bu[3]([p7, resize_to(downsample(p6_out), p7)])
        return [p3_out, p4_out, p5_out, p6_out, p7_out]


class BiFPN(nn.Module):
    def __init__(self, in_channels, ch=64, layers=3):
        super().__init__()
        self.lateral = nn.ModuleList([nn.Sequential(nn.Conv2d(c, ch, 1, bias=False), bn(ch))
                                      for c in in_channels])
        self.p6 = nn.Sequential(nn.Conv2d(in_channels[-1], ch, 1, bias=False), bn(ch))
        self.layers = nn.ModuleList([BiFPNLayer(ch) for _ in range(layers)])

    def forward(self, feats):
        c3, c4, c5 = feats
        p6 = downsample(self.p6(c5))
        p7 = downsample(p6)
        out = [lat(c) for lat, c in zip(self.lateral, feats)] + [p6, p7]
        for layer in self.layers:
            out = layer(out)
        return out


class Head(nn.Module):
    """Separable-conv head shared across levels; batch norm is kept per level, as in the paper."""

    def __init__(self, ch, outputs_per_anchor, depth=3, levels=5, prior_bias=0.0):
        super().__init__()
        self.convs = nn.ModuleList([SeparableConv(ch, ch, norm=False) for _ in range(depth)])
        self.norms = nn.ModuleList([nn.ModuleList([bn(ch) for _ in range(levels)]) for _ in range(depth)])
        self.out = SeparableConv(ch, NUM_ANCHORS * outputs_per_anchor, norm=False)
        self.per_anchor = outputs_per_anchor
        nn.init.constant_(self.out[1].bias, prior_bias)

    def forward(self, feats):
        outputs = []
        for level, x in enumerate(feats):
            for conv, norms in zip(self.convs, self.norms):
                x = F.silu(norms[level](conv(x)))
            y = self.out(x)                                   # N, A*K, H, W
            n = y.shape[0]
            outputs.append(y.permute(0, 2, 3, 1).reshape(n, -1, self.per_anchor))
        return torch.cat(outputs, 1)                          # N, sum(H*W*A), K


class EfficientDetD0(nn.Module):
    def __init__(self, num_classes=len(CLASSES), drop_path_rate=0.2):
        super().__init__()
        self.backbone = EfficientNetB0(drop_path_rate)
        self.fpn = BiFPN(EfficientNetB0.out_channels, 64, 3)
        self.class_net = Head(64, num_classes, prior_bias=-math.log((1 - 0.01) / 0.01))
        self.box_net = Head(64, 4)
        for m in self.modules():
            if isinstance(m, nn.Conv2d) and m is not self.class_net.out[1]:
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None and m is not self.box_net.out[1]:
                    nn.init.zeros_(m.bias)

    def forward(self, images):
        """Returns class logits [N, A, C] and box regressions [N, A, 4] (ty, tx, th, tw)."""
        feats = self.fpn(self.backbone(images))
        return self.class_net(feats), self.box_net(feats)


class ExportedDetector(nn.Module):
    """What goes into the ONNX file: sigmoid scores, as models/CONTRACT.md specifies."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        logits, boxes = self.model(images)
        return torch.sigmoid(logits), boxes
