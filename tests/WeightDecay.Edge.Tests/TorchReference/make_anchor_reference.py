#!/usr/bin/python3
"""Reference trajectories for decay toward an anchor (DecayTowardAnchor = true: L2-SP, FedProx), from real torch.

Run with Debian's torch (python3-torch 1.13.1):  /usr/bin/python3 make_anchor_reference.py
It rewrites anchor.json next to this script.

torch.optim decays toward zero only, so the anchored tensors sit in a param group with weight_decay 0 and get the
published term in torch operations, in the place where torch.optim puts its own decay:
    coupled (SGD, Adam):  before step(), grad = grad.add(p - a, alpha=wd), the term torch's step() would add as
                          grad.add(p, alpha=wd); with maximize the gradient is pre-negated so that torch's -grad
                          comes out as -g + wd * (p - a).
    decoupled (AdamW):    before step(), p.add_(p - a, alpha=-lr * wd), where torch's step() does p.mul_(1 - lr * wd)
                          first too (the moments do not read p).
    SGDW ("sgdw", the library's SgdOptimizer with Decoupled = true; not in torch): torch.optim.SGD with weight_decay 0
                          in every group, after p.mul_(1 - lr * wd) on V and p.add_(p - a, alpha=-lr * wd) on W and U.
The tensor decayed toward zero (V) keeps torch's own weight_decay, so the same run checks both targets.

The layout (AnchorReferenceLayout in AnchorReferenceTests.cs), in declaration order:
    W (4x5) toward the anchor;  B (5) not decayed;  F (2x3) frozen;  V (3x7) toward zero;  U (2x6) toward the anchor
Initial parameters and gradients are the integer formulas of make_reference.py (flat index i, step t):
    p[i] = float32(((i * 31337 + 17) % 2003 - 1001) / 1000)
    g[i] = float32(((i * 7919 + t * 104729) % 2001 - 1000) / 1000) * scale, scale W 1, B 0.01, V 10, U 0.1; F none
and the anchor of an anchored parameter at flat index i is
    a[i] = float32(((i * 7331 + 5) % 1999 - 999) / 1000)

Cases with "decay_gamma" also schedule the weight decay on its own (the library's DecaySchedule =
LearningRateSchedule.Step(10, gamma)): step t (1-based) uses wd_t = weight_decay * gamma ** ((t - 1) // 10), set as
each param group's weight_decay before the step (the group decayed toward zero) and used in the anchor term.
"""

import torch

from make_reference import f32, write  # the number format and the one-line-per-list JSON layout

# name, shape, decay target ("anchor", "zero" or None), trainable
SHAPES = [("W", (4, 5), "anchor", True), ("B", (5,), None, True), ("F", (2, 3), None, False),
          ("V", (3, 7), "zero", True), ("U", (2, 6), "anchor", True)]
SCALES = {"W": 1.0, "B": 0.01, "V": 10.0, "U": 0.1}
STEPS = 60
SNAPSHOTS = [1, 2, 3, 5, 10, 20, 30, 40, 50, 60]


def size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def make_tensors():
    tensors = []
    offset = 0
    for name, shape, target, trainable in SHAPES:
        n = size(shape)
        values = [((i * 31337 + 17) % 2003 - 1001) / 1000 for i in range(offset, offset + n)]
        anchor = [((i * 7331 + 5) % 1999 - 999) / 1000 for i in range(offset, offset + n)]
        t = torch.tensor(values, dtype=torch.float32).reshape(shape).requires_grad_(trainable)
        a = torch.tensor(anchor, dtype=torch.float32).reshape(shape)
        tensors.append({"name": name, "t": t, "a": a, "offset": offset, "n": n, "target": target, "trainable": trainable})
        offset += n
    return tensors


def set_gradients(tensors, step):
    for x in tensors:
        if not x["trainable"]:
            continue
        values = [((i * 7919 + step * 104729) % 2001 - 1000) / 1000 for i in range(x["offset"], x["offset"] + x["n"])]
        g = torch.tensor(values, dtype=torch.float32) * torch.tensor(SCALES[x["name"]], dtype=torch.float32)
        x["t"].grad = g.reshape(x["t"].shape)


def flat(tensors, key="t"):
    return torch.cat([x[key].detach().flatten() for x in tensors]).tolist()


def make_optimizer(kind, options, tensors):
    wd = options.get("weight_decay", 0.0)
    rest = {k: v for k, v in options.items() if k not in ("weight_decay", "decay_gamma")}
    trainable = [x for x in tensors if x["trainable"]]
    groups = [{"params": [x["t"] for x in trainable if x["target"] == "zero"], "weight_decay": wd},
              {"params": [x["t"] for x in trainable if x["target"] != "zero"], "weight_decay": 0.0}]
    if kind == "sgdw":
        groups[0]["weight_decay"] = 0.0
    cls = {"sgd": torch.optim.SGD, "sgdw": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    return cls(groups, foreach=False, **rest)


def decay_toward_anchor(kind, options, tensors, wd):
    sign = -1.0 if options.get("maximize", False) else 1.0
    with torch.no_grad():
        for x in tensors:
            if kind == "sgdw" and x["target"] == "zero":
                x["t"].mul_(1 - options["lr"] * wd)
            if x["target"] != "anchor":
                continue
            t, a = x["t"], x["a"]
            if kind in ("adamw", "sgdw"):
                t.add_(t - a, alpha=-options["lr"] * wd)
            else:
                t.grad = t.grad.add(t - a, alpha=sign * wd)


def run(kind, options):
    tensors = make_tensors()
    optimizer = make_optimizer(kind, options, tensors)
    snapshots = {}
    for step in range(1, STEPS + 1):
        set_gradients(tensors, step)
        wd = options["weight_decay"] * options.get("decay_gamma", 1.0) ** ((step - 1) // 10)
        optimizer.param_groups[0]["weight_decay"] = 0.0 if kind == "sgdw" else wd
        decay_toward_anchor(kind, options, tensors, wd)
        optimizer.step()
        if step in SNAPSHOTS:
            snapshots[str(step)] = f32(flat(tensors))
    return snapshots


CASES = [
    ("sgd", "sgd-plain", {"lr": 0.05, "weight_decay": 0.5}),
    ("sgd", "sgd-momentum", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.5}),
    ("sgd", "sgd-nesterov-maximize", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.5, "maximize": True}),
    ("adam", "adam", {"lr": 0.01, "weight_decay": 0.5}),
    ("adam", "adam-amsgrad", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True}),
    ("adamw", "adamw", {"lr": 0.01, "weight_decay": 2.0}),
    ("adamw", "adamw-amsgrad", {"lr": 0.01, "weight_decay": 2.0, "amsgrad": True}),
    ("sgdw", "sgdw", {"lr": 0.05, "weight_decay": 0.5}),
    ("sgdw", "sgdw-nesterov-maximize", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.5, "maximize": True}),
    ("sgd", "sgd-momentum-decay-schedule", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.5, "decay_gamma": 0.3}),
    ("adam", "adam-decay-schedule", {"lr": 0.01, "weight_decay": 0.5, "decay_gamma": 0.3}),
    ("adamw", "adamw-decay-schedule", {"lr": 0.01, "weight_decay": 2.0, "decay_gamma": 0.3}),
]


if __name__ == "__main__":
    torch.set_num_threads(1)
    tensors = make_tensors()
    document = {
        "torch": torch.__version__,
        "generator": "tests/WeightDecay.Edge.Tests/TorchReference/make_anchor_reference.py",
        "note": ("Each step: set the gradients, apply decay toward the anchor to W and U in torch operations (coupled: "
                 "grad = grad.add(p - a, alpha=wd), pre-negated with maximize; AdamW: p.add_(p - a, alpha=-lr*wd)), "
                 "then optimizer.step() (foreach=False; param groups [V] with weight_decay, [W, B, U] with 0; F frozen). "
                 "'parameters' maps a step count to all 67 parameters."),
        "layout": [{"name": n, "shape": list(s), "decay": d, "trainable": tr} for n, s, d, tr in SHAPES],
        "initial": f32(flat(tensors)),
        "anchor": f32(flat(tensors, "a")),
        "cases": [{"name": name, "optimizer": kind, "options": options, "steps": STEPS, "parameters": run(kind, options), "state": {}}
                  for kind, name, options in CASES],
    }
    write("anchor.json", document)
