#!/usr/bin/env python3
"""Builds tiny ONNX graphs for the CLIP encoder tests and the expected outputs, computed here
with numpy independently of OpenCV. Usage: make_onnx.py OUT_DIR"""
import sys, os
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
N = 8
D = 4
# Image encoder: [1,3,N,N] -> Flatten -> MatMul(W) -> [1,D]
W = rng.standard_normal((3 * N * N, D)).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("Flatten", ["image"], ["flat"], axis=1),
     helper.make_node("MatMul", ["flat", "W"], ["embedding"])],
    "clip_image_linear",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, N, N])],
    [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, D])],
    [numpy_helper.from_array(W, "W")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)])
m.ir_version = 7
onnx.save(m, os.path.join(out, "image_linear.onnx"))

# Text encoder: [1,77] ids as float -> MatMul(T) -> [1,3]
T = rng.standard_normal((77, 3)).astype(np.float32) * 0.01
g = helper.make_graph(
    [helper.make_node("MatMul", ["ids", "T"], ["embedding"])],
    "clip_text_linear",
    [helper.make_tensor_value_info("ids", TensorProto.FLOAT, [1, 77])],
    [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, 3])],
    [numpy_helper.from_array(T, "T")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)])
m.ir_version = 7
onnx.save(m, os.path.join(out, "text_linear.onnx"))
np.savetxt(os.path.join(out, "text_weights.txt"), T.reshape(-1), fmt="%.9g")

mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float64)
std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float64)

def write_ppm(path, rgb):
    h, w, _ = rgb.shape
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(rgb.astype(np.uint8).tobytes())

def expected(rgb_crop):
    x = (rgb_crop.astype(np.float64) / 255.0 - mean) / std  # H,W,C
    x = x.transpose(2, 0, 1).reshape(1, -1)                  # CHW flattened
    y = x @ W.astype(np.float64)
    return (y / np.linalg.norm(y)).reshape(-1)

# Square N×N image with random pixels: no resize, no crop.
sq = rng.integers(0, 256, (N, N, 3))
write_ppm(os.path.join(out, "square.ppm"), sq)
# Wide N×2N image: shorter side is already N, the centre crop keeps columns N/2 .. N/2+N.
wide = rng.integers(0, 256, (N, 2 * N, 3))
write_ppm(os.path.join(out, "wide.ppm"), wide)
# Large solid 4N×4N image: resizing a constant image keeps it constant.
solid = np.zeros((4 * N, 4 * N, 3), dtype=np.int64) + np.array([200, 30, 90])
write_ppm(os.path.join(out, "solid.ppm"), solid)
with open(os.path.join(out, "expected.txt"), "w") as f:
    for name, crop in (("square", sq), ("wide", wide[:, N // 2:N // 2 + N]),
                       ("solid", solid[:N, :N])):
        f.write(name + " " + " ".join("%.9g" % v for v in expected(crop)) + "\n")
