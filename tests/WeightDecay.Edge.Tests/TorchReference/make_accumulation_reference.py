#!/usr/bin/python3
"""Reference trajectories for declared gradient accumulation ([ModelLayout(GradientAccumulationSteps = 3)]), from real torch.

Run with Debian's torch (python3-torch 1.13.1):  /usr/bin/python3 make_accumulation_reference.py
It rewrites accumulation.json next to this script.

A torch user accumulates k micro-batches by calling backward() k times without zero_grad(), which sums into .grad
(the first micro-batch's gradient, then + the next ones, in order, in float32), and divides by k before step(). Here
each micro-batch's gradient is assigned to .grad (the first) or added to it with .grad.add_(g) (the next ones), then
.grad.div_(3) and optimizer.step(): one update per 3 micro-batches.

The layout (AccumulationReferenceLayout in AccumulationReferenceTests.cs), in declaration order:
    W (4x5) decayed;  B (5) not decayed;  F (2x3) frozen;  V (3x7) decayed
Initial parameters are make_reference.py's; micro-batch m (1-based, over the whole run: update u takes m = 3u - 2,
3u - 1, 3u) has make_reference.py's gradient of step m:
    g[i] = float32(((i * 7919 + m * 104729) % 2001 - 1000) / 1000) * scale, scale W 1, B 0.01, V 10; F none
"""

import torch

from make_reference import f32, write  # the number format and the one-line-per-list JSON layout

SHAPES = [("W", (4, 5), True, True, 1.0), ("B", (5,), False, True, 0.01), ("F", (2, 3), False, False, 0.0),
          ("V", (3, 7), True, True, 10.0)]
K = 3
UPDATES = 20
SNAPSHOTS = [1, 2, 3, 5, 10, 15, 20]


def make_tensors():
    tensors = []
    offset = 0
    for name, shape, decayed, trainable, scale in SHAPES:
        n = 1
        for d in shape:
            n *= d
        values = [((i * 31337 + 17) % 2003 - 1001) / 1000 for i in range(offset, offset + n)]
        t = torch.tensor(values, dtype=torch.float32).reshape(shape).requires_grad_(trainable)
        tensors.append({"name": name, "t": t, "offset": offset, "n": n, "decayed": decayed, "trainable": trainable, "scale": scale})
        offset += n
    return tensors


def gradient(x, m):
    values = [((i * 7919 + m * 104729) % 2001 - 1000) / 1000 for i in range(x["offset"], x["offset"] + x["n"])]
    g = torch.tensor(values, dtype=torch.float32) * torch.tensor(x["scale"], dtype=torch.float32)
    return g.reshape(x["t"].shape)


def flat(tensors):
    return torch.cat([x["t"].detach().flatten() for x in tensors]).tolist()


def run(kind, options):
    tensors = make_tensors()
    wd = options.get("weight_decay", 0.0)
    rest = {k: v for k, v in options.items() if k != "weight_decay"}
    trainable = [x for x in tensors if x["trainable"]]
    groups = [{"params": [x["t"] for x in trainable if x["decayed"]], "weight_decay": wd},
              {"params": [x["t"] for x in trainable if not x["decayed"]], "weight_decay": 0.0}]
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    optimizer = cls(groups, foreach=False, **rest)
    snapshots = {}
    for update in range(1, UPDATES + 1):
        for r in range(1, K + 1):
            m = (update - 1) * K + r
            for x in trainable:
                if r == 1:
                    x["t"].grad = gradient(x, m)
                else:
                    x["t"].grad.add_(gradient(x, m))
        for x in trainable:
            x["t"].grad.div_(K)
        optimizer.step()
        if update in SNAPSHOTS:
            snapshots[str(update)] = f32(flat(tensors))
    return snapshots


CASES = [
    ("sgd", "sgd-momentum", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("sgd", "sgd-nesterov-maximize", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01, "maximize": True}),
    ("adam", "adam-amsgrad", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("adamw", "adamw", {"lr": 0.01, "weight_decay": 0.1}),
]


if __name__ == "__main__":
    torch.set_num_threads(1)
    tensors = make_tensors()
    document = {
        "torch": torch.__version__,
        "generator": "tests/WeightDecay.Edge.Tests/TorchReference/make_accumulation_reference.py",
        "note": ("Each update: 3 micro-batches summed into .grad (assign, add_, add_), .grad.div_(3), optimizer.step() "
                 "(foreach=False; param groups [W, V] with weight_decay, [B] with 0; F frozen). 'parameters' maps an "
                 "update count to all 52 parameters; 'steps' counts updates (3 Step() calls each)."),
        "accumulation": K,
        "initial": f32(flat(tensors)),
        "cases": [{"name": name, "optimizer": kind, "options": options, "steps": UPDATES, "parameters": run(kind, options), "state": {}}
                  for kind, name, options in CASES],
    }
    write("accumulation.json", document)
