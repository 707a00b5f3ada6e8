"""Exports a YOLO-style single-stage detector with random weights for the dnn benchmarks and tests.

Built in plain PyTorch (the machine's torchvision wheel cannot load its C ops next to the CPU
torch): a CSP backbone of Conv-BatchNorm-SiLU blocks, an FPN/PAN neck with nearest-neighbour
upsampling (ONNX Resize) and concatenation, and three detection heads (stride 8, 16, 32, three
anchors each, 80 classes) whose outputs are decoded in the graph (sigmoid, grid offsets, anchor
scaling) and concatenated into [1, boxes, 85], as YOLOv5 exports them. Nothing is downloaded.
Writes OUT_DIR/yolo_style.onnx and OUT_DIR/manifest.json (file, model, exporter, opset, inputs).
Usage: python3 export_detection.py OUT_DIR
"""

import json
import os
import sys
import warnings

import torch
from torch import nn

warnings.filterwarnings("ignore")
OUT = sys.argv[1]
IMAGE = (1, 3, 320, 320)
OPSET = 17
CLASSES = 80
ANCHORS = [[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]]
STRIDES = [8, 16, 32]


class Conv(nn.Module):
    def __init__(self, c_in, c_out, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, s, (k - 1) // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut=True):
        super().__init__()
        self.cv1 = Conv(c, c, 1)
        self.cv2 = Conv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    """CSP block: two branches, bottlenecks on one, concatenated and fused."""

    def __init__(self, c_in, c_out, n=1, shortcut=True):
        super().__init__()
        h = c_out // 2
        self.cv1 = Conv(c_in, h)
        self.cv2 = Conv(c_in, h)
        self.cv3 = Conv(2 * h, c_out)
        self.m = nn.Sequential(*(Bottleneck(h, shortcut) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class Sppf(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        h = c_in // 2
        self.cv1 = Conv(c_in, h)
        self.cv2 = Conv(h * 4, c_out)
        self.m = nn.MaxPool2d(5, 1, 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class Detect(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.no = CLASSES + 5
        self.na = 3
        self.m = nn.ModuleList(nn.Conv2d(c, self.no * self.na, 1) for c in channels)
        self.register_buffer("anchors", torch.tensor(ANCHORS, dtype=torch.float32).view(3, 1, 3, 1, 1, 2))

    def forward(self, features):
        out = []
        for i, x in enumerate(features):
            _, _, h, w = x.shape
            p = self.m[i](x).view(1, self.na, self.no, h, w).permute(0, 1, 3, 4, 2).sigmoid()
            yv, xv = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
            grid = torch.stack((xv, yv), 2).view(1, 1, h, w, 2).float()
            xy = (p[..., 0:2] * 2 - 0.5 + grid) * STRIDES[i]
            wh = (p[..., 2:4] * 2) ** 2 * self.anchors[i]
            out.append(torch.cat((xy, wh, p[..., 4:]), -1).view(1, -1, self.no))
        return torch.cat(out, 1)


class YoloStyle(nn.Module):
    """YOLOv5n-sized widths (16 to 256 channels)."""

    def __init__(self):
        super().__init__()
        self.stem = Conv(3, 16, 6, 2)
        self.b1 = nn.Sequential(Conv(16, 32, 3, 2), C3(32, 32, 1))
        self.b2 = nn.Sequential(Conv(32, 64, 3, 2), C3(64, 64, 2))  # stride 8
        self.b3 = nn.Sequential(Conv(64, 128, 3, 2), C3(128, 128, 3))  # stride 16
        self.b4 = nn.Sequential(Conv(128, 256, 3, 2), C3(256, 256, 1), Sppf(256, 256))  # stride 32
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.lat4 = Conv(256, 128)
        self.top3 = C3(256, 128, 1, False)
        self.lat3 = Conv(128, 64)
        self.out8 = C3(128, 64, 1, False)
        self.down8 = Conv(64, 64, 3, 2)
        self.out16 = C3(128, 128, 1, False)
        self.down16 = Conv(128, 128, 3, 2)
        self.out32 = C3(256, 256, 1, False)
        self.detect = Detect([64, 128, 256])

    def forward(self, image):
        p2 = self.b2(self.b1(self.stem(image)))
        p3 = self.b3(p2)
        p4 = self.b4(p3)
        l4 = self.lat4(p4)
        l3 = self.lat3(self.top3(torch.cat((self.up(l4), p3), 1)))
        o8 = self.out8(torch.cat((self.up(l3), p2), 1))
        o16 = self.out16(torch.cat((self.down8(o8), l3), 1))
        o32 = self.out32(torch.cat((self.down16(o16), l4), 1))
        return self.detect([o8, o16, o32])


os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
model = YoloStyle()
# BatchNorm statistics as a trained model has them: with the fresh ones (mean 0, var 1, bias 0)
# the exporter folds every BatchNorm into identical zero biases and shares them through Identity
# nodes, which a trained model never shows
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.normal_(0, 0.1)
            m.running_mean.normal_(0, 0.1)
            m.running_var.uniform_(0.5, 1.5)
model = model.eval()
file = "yolo_style.onnx"
torch.onnx.export(model, (torch.randn(*IMAGE),), os.path.join(OUT, file), opset_version=OPSET,
                  input_names=["image"], output_names=["detections"], dynamo=False)
manifest = [{"file": file, "model": "YOLO-style detector (CSP backbone, FPN/PAN, 3 heads, 80 classes)",
             "exporter": f"torch {torch.__version__} TorchScript exporter", "opset": OPSET,
             "inputs": {"image": list(IMAGE)}}]
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print("exported", file)
