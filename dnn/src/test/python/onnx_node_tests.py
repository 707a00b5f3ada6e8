"""Writes ONNX's backend node tests (model.onnx + test_data_set_N/{input,output}_K.pb) to a folder.

The onnx wheel ships the node test generators (onnx/backend/test/case/node) but not their data, so
the conformance test (io.bdt.dnn.graph.OnnxNodeConformanceTest) runs this once and caches the
result. Only tensor inputs and outputs are written; a case with a sequence, map or optional value
gets a SKIP file naming why. Usage: python3 onnx_node_tests.py OUT_DIR
"""

import os
import sys

import onnx
from onnx import TensorProto, numpy_helper
from onnx.backend.test.case import node


def main(out: str) -> None:
    cases = node.collect_testcases()
    written = 0
    for case in cases:
        folder = os.path.join(out, case.name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        graph = case.model.graph
        kinds = [v.type.WhichOneof("value") for v in list(graph.input) + list(graph.output)]
        if any(k != "tensor_type" for k in kinds):
            with open(os.path.join(folder, "SKIP"), "w") as f:
                f.write("non-tensor input or output: " + ",".join(sorted(set(kinds))) + "\n")
            continue
        for i, (inputs, outputs) in enumerate(case.data_sets):
            data = os.path.join(folder, f"test_data_set_{i}")
            os.makedirs(data, exist_ok=True)
            for prefix, values, infos in (("input", inputs, graph.input), ("output", outputs, graph.output)):
                for j, value in enumerate(values):
                    proto = value if isinstance(value, TensorProto) else numpy_helper.from_array(value, infos[j].name)
                    with open(os.path.join(data, f"{prefix}_{j}.pb"), "wb") as f:
                        f.write(proto.SerializeToString())
        written += 1
    with open(os.path.join(out, "VERSION"), "w") as f:
        f.write(onnx.__version__ + "\n")
    print(f"wrote {written} of {len(cases)} node tests to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
