#!/usr/bin/env python3
"""Writes the large scenarios the canvas and the conv layers are measured on:

  assets/scenarios/wide_64.json       64-64-64-64-64, tanh, mse, batch 4
  assets/scenarios/mnist_shaped.json  784-128-64-10, relu/relu/softmax, cross_entropy, batch 32
  assets/layer_examples/mnist_shaped_conv.json  the same inputs, 1x28x28 -> conv 8x7x7 -> max pool 2 -> 10

Run once from the repository root; the output is committed. The weights come from
each file's "init" block (seeded), so only the inputs and targets are written
here, drawn from a fixed seed: running this again gives the same bytes.
"""
import json
import random


def rounded_rows(rng, rows, cols, low, high):
    return [[round(rng.uniform(low, high), 4) for _ in range(cols)] for _ in range(rows)]


def one_hot(cls, n):
    return [1 if k == cls else 0 for k in range(n)]


def write(path, doc):
    # One example per line: readable and diffable, without 25 000 lines of indentation.
    head = {k: v for k, v in doc.items() if k not in ("layers", "init", "inputs", "targets")}
    text = json.dumps(head, indent=2, ensure_ascii=False)[:-2]
    layers = ",\n    ".join(json.dumps(layer) for layer in doc["layers"])
    text += ',\n  "layers": [\n    %s\n  ],\n  "init": %s' % (layers, json.dumps(doc["init"]))
    for key in ("inputs", "targets"):
        rows = ",\n    ".join(json.dumps(r, separators=(",", ":")) for r in doc[key])
        text += ',\n  "%s": [\n    %s\n  ]' % (key, rows)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n}\n")


def wide_64():
    rng = random.Random(64)
    batch = 4
    return {
        "name": "Wide net (64-64-64-64-64)",
        "description": "Five layers of 64 neurons: too many to draw every edge, so each layer is a strip "
                       "of cells and each weight matrix a heatmap (row i = neuron of the layer before, "
                       "column j = neuron of this layer). Hover a cell for its numbers. Tanh everywhere, "
                       "mean squared error against random targets in [-0.5, 0.5], a batch of four random "
                       "inputs. The weights start random (Xavier uniform, seed 64).",
        "input_size": 64,
        "layers": [{"size": 64, "activation": "tanh"} for _ in range(4)],
        "loss": "mse",
        "learning_rate": 0.05,
        "init": {"scheme": "xavier_uniform", "seed": 64},
        "inputs": rounded_rows(rng, batch, 64, -1.0, 1.0),
        "targets": rounded_rows(rng, batch, 64, -0.5, 0.5),
    }


def mnist_shaped():
    rng = random.Random(784)
    batch = 32
    return {
        "name": "MNIST-shaped classifier (784-128-64-10)",
        "description": "The shape of the classic handwritten-digit classifier: 784 inputs (a 28x28 image), "
                       "two ReLU layers of 128 and 64 neurons and a softmax over 10 classes, scored with "
                       "cross-entropy. The inputs are pseudo-random pixel values in [0, 1] (no real digits "
                       "are shipped) and the one-hot targets are random classes (each of the ten at least once), so it shows the size and "
                       "the speed of the real thing, not what it learns. A batch of 32. The weights start "
                       "random (He normal, seed 784).",
        "input_size": 784,
        "input_shape": [28, 28],
        "layers": [
            {"size": 128, "activation": "relu"},
            {"size": 64, "activation": "relu"},
            {"size": 10, "activation": "softmax"},
        ],
        "loss": "cross_entropy",
        "learning_rate": 0.05,
        "init": {"scheme": "he_normal", "seed": 784},
        "inputs": rounded_rows(rng, batch, 784, 0.0, 1.0),
        "targets": [one_hot(b % 10 if b < 10 else rng.randrange(10), 10) for b in range(batch)],
    }


def mnist_shaped_conv():
    doc = mnist_shaped()
    doc["name"] = "MNIST-shaped conv net (1x28x28, conv 8x7x7, max pool 2, 10)"
    doc["description"] = ("The inputs and targets of the MNIST-shaped classifier (pseudo-random pixels, random "
                          "classes: it shows the size and the speed, not what a conv net learns) read by a conv "
                          "layer of eight 7x7 kernels (ReLU; 8x22x22 values, under the 4,096 a layer may "
                          "have: 5x5 kernels would give 8x24x24 = 4,608), then a 2x2 max pooling to 8x11x11 and a "
                          "softmax over 10 classes. A batch of 32. The weights start random (He normal, seed 784).")
    doc["input_shape"] = [1, 28, 28]
    doc["layers"] = [
        {"type": "conv2d", "channels": 8, "kernel": 7, "activation": "relu"},
        {"type": "max_pool", "kernel": 2},
        {"size": 10, "activation": "softmax"},
    ]
    return doc


if __name__ == "__main__":
    write("assets/scenarios/wide_64.json", wide_64())
    write("assets/scenarios/mnist_shaped.json", mnist_shaped())
    write("assets/layer_examples/mnist_shaped_conv.json", mnist_shaped_conv())
