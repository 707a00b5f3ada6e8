"""Exports the published-architecture model suite the dnn tests split, all with random weights.

timm vision models and a transformers BERT encoder go through PyTorch's ONNX exporters
(TorchScript-based at opsets 9 to 17, torch.export-based at its default opset, which writes its
weights to an external data file), and ONNX Runtime's quantizer makes QOperator (QLinearConv,
QLinearMatMul) and QDQ (QuantizeLinear/DequantizeLinear) models. Nothing is downloaded: weights
are seeded random. Writes OUT_DIR/*.onnx and OUT_DIR/manifest.json (file, model, exporter,
opset, inputs as name -> dims). Usage: python3 export_models.py OUT_DIR
"""

import json
import os
import sys
import warnings

import torch

# The machine's torchvision wheel is a CUDA build whose C ops cannot load next to the CPU torch;
# torchvision (which timm imports) registers fake kernels for two of them at import, so declare
# their schemas first. Nothing here calls them.
_tv = torch.library.Library("torchvision", "DEF")
_tv.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_tv.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import timm  # noqa: E402

warnings.filterwarnings("ignore")
OUT = sys.argv[1]
IMAGE = (1, 3, 64, 64)
manifest = []


def opset_of(path):
    model = onnx.load(path, load_external_data=False)
    return next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))


def record(file, name, exporter, inputs):
    manifest.append(
        {"file": file, "model": name, "exporter": exporter, "opset": opset_of(os.path.join(OUT, file)),
         "inputs": {k: list(v) for k, v in inputs.items()}})
    print("exported", file, flush=True)


def export_timm(name, opset, **kwargs):
    torch.manual_seed(0)
    model = timm.create_model(name, pretrained=False, **kwargs).eval()
    file = f"{name}_opset{opset}.onnx"
    torch.onnx.export(model, (torch.randn(*IMAGE),), os.path.join(OUT, file), opset_version=opset,
                      input_names=["image"], output_names=["logits"], dynamo=False)
    record(file, name, f"torch {torch.__version__} TorchScript exporter", {"image": IMAGE})
    return file


def export_dynamo(name):
    torch.manual_seed(0)
    model = timm.create_model(name, pretrained=False).eval()
    file = f"{name}_dynamo.onnx"
    program = torch.onnx.export(model, (torch.randn(*IMAGE),), dynamo=True, input_names=["image"],
                                output_names=["logits"])
    program.save(os.path.join(OUT, file), external_data=True)
    record(file, name, f"torch {torch.__version__} torch.export exporter", {"image": IMAGE})


def export_bert():
    from transformers import BertConfig, BertModel
    torch.manual_seed(0)
    config = BertConfig(vocab_size=128, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=128, max_position_embeddings=64)
    bert = BertModel(config).eval()

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
            return out.last_hidden_state, out.pooler_output

    model = Encoder().eval()
    ids = torch.randint(0, 128, (1, 16))
    mask = torch.ones(1, 16, dtype=torch.int64)
    file = "bert_tiny_opset14.onnx"
    torch.onnx.export(model, (ids, mask), os.path.join(OUT, file), opset_version=14,
                      input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state", "pooler_output"], dynamo=False)
    import transformers
    record(file, "bert (transformers BertModel, 2 layers, hidden 64)",
           f"torch {torch.__version__} TorchScript exporter, transformers {transformers.__version__}",
           {"input_ids": (1, 16), "attention_mask": (1, 16)})


def quantize(source, fmt):
    import onnxruntime
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Random(CalibrationDataReader):
        def __init__(self):
            rng = np.random.default_rng(0)
            self.batches = iter([{"image": rng.uniform(-1, 1, IMAGE).astype(np.float32)} for _ in range(4)])

        def get_next(self):
            return next(self.batches, None)

    file = source.replace(".onnx", f"_{fmt.lower()}.onnx")
    prepared = os.path.join(OUT, "prepared.tmp")
    quant_pre_process(os.path.join(OUT, source), prepared)  # the quantizer's own required step
    quantize_static(prepared, os.path.join(OUT, file), Random(),
                    quant_format=QuantFormat.QOperator if fmt == "QOperator" else QuantFormat.QDQ)
    os.remove(prepared)
    record(file, source.replace(".onnx", "") + " int8 " + fmt,
           f"onnxruntime {onnxruntime.__version__} quantize_static ({fmt})", {"image": IMAGE})


os.makedirs(OUT, exist_ok=True)
export_bert()
export_timm("mobilenetv3_small_050", 9)
regnet = export_timm("regnetx_002", 11)
export_timm("efficientnet_b0", 13)
export_timm("vit_tiny_patch16_224", 14, img_size=64)
export_timm("convnext_atto", 17)
quantize(regnet, "QOperator")
quantize(regnet, "QDQ")
export_dynamo("resnet10t")
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(f"wrote {len(manifest)} models to {OUT}")
