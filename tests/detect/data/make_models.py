#!/usr/bin/env python3
"""Builds tiny detector graphs for tests/detect, one per output layout, whose outputs are known in
advance. Usage: make_models.py OUT_DIR

Input (1, 3, 64, 64) everywhere.
- constant graphs: GlobalAveragePool -> 1x1 Conv with zero weights and the wanted values as bias
  -> Reshape: the output is exactly the bias, whatever the image.
- cell_obb.onnx, a "cell detector" in the obb-raw layout (1, 4+2+1, 16): the 64x64 input is a
  4x4 grid of 16-px cells; anchor k = cell (k % 4, k / 4) has the box of that cell (xc, yc, 16,
  16, angle ANGLE) and a class-0 score equal to the cell's mean pixel value (0..1); class 1
  scores 0. A white 16x16 square on a cell is detected there with score 1.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
S = 64
ANGLE = np.float32(np.pi / 6)


def save(name, nodes, inits, out_shape, names=None, in_shape=(1, 3, S, S)):
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info("images", TensorProto.FLOAT, list(in_shape))],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(out_shape))], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 12)])
    m.ir_version = 7
    if names is not None:
        m.metadata_props.add(key="names", value=names)
    onnx.save(m, os.path.join(out, name + ".onnx"))


def constant(name, values, names="{0: 'plane', 1: 'ship'}"):
    values = np.asarray(values, np.float32)
    n = values.size
    save(name,
         [helper.make_node("GlobalAveragePool", ["images"], ["p"]),
          helper.make_node("Conv", ["p", "W", "B"], ["c"], kernel_shape=[1, 1]),
          helper.make_node("Reshape", ["c", "shape"], ["output0"])],
         [nh.from_array(np.zeros((n, 3, 1, 1), np.float32), "W"), nh.from_array(values.reshape(-1), "B"),
          nh.from_array(np.array(values.shape, np.int64), "shape")],
         values.shape, names)
    np.savetxt(os.path.join(out, name + ".txt"), values.reshape(-1), fmt="%.9g")


# obb-nms (1, 300, 7): two boxes, the rest zero-padded.
nms = np.zeros((1, 300, 7), np.float32)
nms[0, 0] = [20, 30, 16, 8, 0.9, 1, 0.5]
nms[0, 1] = [40, 40, 10, 10, 0.6, 0, 0.0]
constant("obb_nms", nms)
# yolo26-obb (1, 300, 7): the same columns, a raw angle beyond pi/2.
y26 = np.zeros((1, 300, 7), np.float32)
y26[0, 0] = [32, 32, 20, 6, 0.8, 0, 2.5]
constant("yolo26", y26)
# yolov5 (1, A, 5+nc), A = 3 x (8x8 + 4x4 + 2x2) = 252: one box, objectness 0.8 x class 0.9.
v5 = np.zeros((1, 252, 7), np.float32)
v5[0, 5] = [10, 12, 8, 6, 0.8, 0.9, 0.1]
constant("yolov5", v5)
# yolov8 (1, 4+nc, A), A = 8: one box with class 1 at 0.7.
v8 = np.zeros((1, 6, 8), np.float32)
v8[0, :, 3] = [50, 20, 10, 4, 0.1, 0.7]
constant("yolov8", v8)
# obb-raw (1, 4+nc+1, A) for the class-map test: one 'aeroplane', one 'boat'.
raw = np.zeros((1, 7, 4), np.float32)
raw[0, :, 0] = [16, 16, 8, 8, 0.9, 0.0, 0.3]
raw[0, :, 1] = [48, 48, 8, 8, 0.0, 0.8, 0.0]
constant("coco_like", raw, "{0: 'aeroplane', 1: 'boat'}")
constant("unknown_class", raw, "{0: 'plane', 1: 'submarine'}")
constant("no_names", raw, None)
# A shape no layout has.
constant("bad_shape", np.zeros((1, 9, 16), np.float32))
# fastestv2 on a 64x64 input: 4x4 + 2x2 = 20 cells, 15 + 2 columns. Cell 5 (col 1, row 1 of the
# stride-16 head), anchor 0: tx = ty = 0.5, tw = th = 0.5 -> centre (24, 24), 12.64 x 19.39.
fv = np.zeros((20, 17), np.float32)
fv[5, 0:4] = [0.5, 0.5, 0.5, 0.5]
fv[5, 12] = 0.9
fv[5, 15] = 0.8
constant("fastest", fv)

# The cell detector (obb-raw).
G = 4
W = np.zeros((7, 3, 16, 16), np.float32)
W[4] = 1.0 / (3 * 16 * 16)  # class 0: mean of the cell
C = np.zeros((1, 7, G, G), np.float32)
for r in range(G):
    for c in range(G):
        C[0, :, r, c] = [16 * c + 8, 16 * r + 8, 16, 16, 0, 0, ANGLE]
save("cell_obb",
     [helper.make_node("Conv", ["images", "W"], ["c"], kernel_shape=[16, 16], strides=[16, 16]),
      helper.make_node("Add", ["c", "C"], ["d"]),
      helper.make_node("Reshape", ["d", "shape"], ["output0"])],
     [nh.from_array(W, "W"), nh.from_array(C, "C"), nh.from_array(np.array([1, 7, G * G], np.int64), "shape")],
     (1, 7, G * G), "{0: 'plane', 1: 'ship'}")
# The same with an axis-aligned box (angle 0), for exact seam and tile tests.
C[0, 6] = 0
save("cell_obb0",
     [helper.make_node("Conv", ["images", "W"], ["c"], kernel_shape=[16, 16], strides=[16, 16]),
      helper.make_node("Add", ["c", "C"], ["d"]),
      helper.make_node("Reshape", ["d", "shape"], ["output0"])],
     [nh.from_array(W, "W"), nh.from_array(C, "C"), nh.from_array(np.array([1, 7, G * G], np.int64), "shape")],
     (1, 7, G * G), "{0: 'plane', 1: 'ship'}")

# Segmentation (--task segment): a 1x1 Conv from pixels to 3 class logits, output (1, 3, 64, 64).
# background = 0.5 always, storage_tank = 2 R, ship = 2 G (R, G in 0..1): a black pixel is
# background, a red one storage_tank (softmax e^2 / (e^2 + e^0.5 + 1) = 0.73641), a green one ship.
SW = np.zeros((3, 3, 1, 1), np.float32)
SW[1, 0, 0, 0] = 2
SW[2, 1, 0, 0] = 2
save("seg",
     [helper.make_node("Conv", ["images", "W", "B"], ["output0"], kernel_shape=[1, 1])],
     [nh.from_array(SW, "W"), nh.from_array(np.array([0.5, 0, 0], np.float32), "B")],
     (1, 3, S, S), "{0: 'background', 1: 'storage_tank', 2: 'ship'}")
# The same at half resolution (output (1, 3, 32, 32) after a 2x2 average pool).
save("seg_half",
     [helper.make_node("AveragePool", ["images"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Conv", ["p", "W", "B"], ["output0"], kernel_shape=[1, 1])],
     [nh.from_array(SW, "W"), nh.from_array(np.array([0.5, 0, 0], np.float32), "B")],
     (1, 3, S // 2, S // 2), "{0: 'background', 1: 'storage_tank', 2: 'ship'}")
