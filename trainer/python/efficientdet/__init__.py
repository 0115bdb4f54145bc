"""EfficientDet-D0 for blood cell detection (BCCD), written from Tan et al., arXiv 1911.09070.

Runs on PyTorch 1.13 (Debian's python3-torch, CPU) and 2.x (GPU). The exported ONNX file
follows models/CONTRACT.md, which the Java detection core implements.
"""
