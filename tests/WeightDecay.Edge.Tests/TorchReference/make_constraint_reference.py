#!/usr/bin/python3
"""Reference trajectories for the post-update regularisers (L1 = λ₁, MaxNorm = c), from real torch.

Run with Debian's torch (python3-torch 1.13.1):  /usr/bin/python3 make_constraint_reference.py
It rewrites constraints.json next to this script.

torch.optim has neither regulariser, so each step is torch.optim's step() followed by the published
formulas in torch operations, on the tensors that declare them, in this order:
    proximal L1 (soft thresholding):  p = sign(p) * clamp(|p| - lr * l1, min=0)
    max-norm of each row:             p = torch.renorm(p, p=2, dim=0, maxnorm=c)   (Keras MaxNorm)

The layout (ConstraintReferenceLayout in ConstraintReferenceTests.cs), in declaration order:
    W (4x5) decayed, L1 = 0.01, MaxNorm = 1;  B (5) not decayed;  V (3x7) decayed, MaxNorm = 1.25;
    U (2x6) decayed, L1 = 1                                               -> 59 parameters
Initial parameters and gradients are the integer formulas of make_reference.py (flat index i, step t):
    p[i] = float32(((i * 31337 + 17) % 2003 - 1001) / 1000)
    g[i] = float32(((i * 7919 + t * 104729) % 2001 - 1000) / 1000) * scale, scale W 1, B 0.01, V 10, U 0.1
"""

import torch

from make_reference import f32, write  # the number format and the one-line-per-list JSON layout

SHAPES = [("W", (4, 5), True, 0.01, 1.0), ("B", (5,), False, 0.0, 0.0), ("V", (3, 7), True, 0.0, 1.25), ("U", (2, 6), True, 1.0, 0.0)]
SCALES = {"W": 1.0, "B": 0.01, "V": 10.0, "U": 0.1}
STEPS = 60
SNAPSHOTS = [1, 2, 3, 5, 10, 20, 30, 40, 50, 60]


def make_tensors():
    tensors = []
    offset = 0
    for name, shape, decay, l1, max_norm in SHAPES:
        n = 1
        for d in shape:
            n *= d
        values = [((i * 31337 + 17) % 2003 - 1001) / 1000 for i in range(offset, offset + n)]
        t = torch.tensor(values, dtype=torch.float32).reshape(shape).requires_grad_(True)
        tensors.append((name, t, offset, n, decay, l1, max_norm))
        offset += n
    return tensors


def set_gradients(tensors, step):
    for name, t, offset, n, _, _, _ in tensors:
        values = [((i * 7919 + step * 104729) % 2001 - 1000) / 1000 for i in range(offset, offset + n)]
        g = torch.tensor(values, dtype=torch.float32) * torch.tensor(SCALES[name], dtype=torch.float32)
        t.grad = g.reshape(t.shape)


def flat(tensors):
    return torch.cat([t.detach().flatten() for _, t, *_ in tensors]).tolist()


def make_optimizer(kind, options, tensors):
    wd = options.get("weight_decay", 0.0)
    rest = {k: v for k, v in options.items() if k != "weight_decay"}
    groups = [{"params": [t for _, t, _, _, d, _, _ in tensors if d], "weight_decay": wd},
              {"params": [t for _, t, _, _, d, _, _ in tensors if not d], "weight_decay": 0.0}]
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    return cls(groups, foreach=False, **rest)


def constrain(tensors, lr):
    with torch.no_grad():
        for _, t, _, _, _, l1, max_norm in tensors:
            if l1:
                t.copy_(torch.sign(t) * torch.clamp(t.abs() - lr * l1, min=0))
            if max_norm:
                t.copy_(torch.renorm(t, p=2, dim=0, maxnorm=max_norm))


def run(kind, options):
    tensors = make_tensors()
    optimizer = make_optimizer(kind, options, tensors)
    snapshots = {}
    for step in range(1, STEPS + 1):
        set_gradients(tensors, step)
        optimizer.step()
        constrain(tensors, options["lr"])
        if step in SNAPSHOTS:
            snapshots[str(step)] = f32(flat(tensors))
    return snapshots


CASES = [
    ("sgd", "sgd-plain", {"lr": 0.05, "weight_decay": 0.01}),
    ("sgd", "sgd-momentum", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("adam", "adam", {"lr": 0.01, "weight_decay": 0.01}),
    ("adamw", "adamw", {"lr": 0.01, "weight_decay": 0.1}),
    ("adamw", "adamw-amsgrad", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
]


if __name__ == "__main__":
    torch.set_num_threads(1)
    document = {
        "torch": torch.__version__,
        "generator": "tests/WeightDecay.Edge.Tests/TorchReference/make_constraint_reference.py",
        "note": ("Each step: set the gradients, optimizer.step() (foreach=False; param groups [W, V, U] with weight_decay, "
                 "[B] with 0), then on W and U p = sign(p) * clamp(|p| - lr * l1, min=0), then on W and V "
                 "p = torch.renorm(p, 2, 0, maxnorm). 'parameters' maps a step count to all 59 parameters."),
        "layout": [{"name": n, "shape": list(s), "decay": d, "l1": l1, "max_norm": c} for n, s, d, l1, c in SHAPES],
        "initial": f32(flat(make_tensors())),
        "cases": [{"name": name, "optimizer": kind, "options": options, "steps": STEPS, "parameters": run(kind, options), "state": {}}
                  for kind, name, options in CASES],
    }
    write("constraints.json", document)
