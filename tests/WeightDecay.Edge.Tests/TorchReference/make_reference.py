#!/usr/bin/python3
"""Reference trajectories from real torch.optim, for tests that run without torch.

Run with Debian's torch (python3-torch 1.13.1):  /usr/bin/python3 make_reference.py
It rewrites maximize.json and lambda_lr.json next to this script. Both files record the torch version.

The layout (TorchReferenceLayout in TorchReferenceTests.cs), in declaration order:
    W (4x5) decayed, B (5) not decayed, F (2x3) frozen, V (3x7) decayed    -> 52 parameters, 46 trainable
torch param groups: [W, V] with the configured weight_decay, [B, F] with weight_decay 0. F has
requires_grad=False and never gets a gradient, so torch skips it and keeps no state for it.

Everything the C# test needs is recomputable in float32 without torch:
    initial p[i]   = float32(((i * 31337 + 17) % 2003 - 1001) / 1000)           (i: flat index, 0..51)
    gradient g[i] at step t (1-based) = float32(((i * 7919 + t * 104729) % 2001 - 1000) / 1000) * scale(i)
    with scale(i) = 1 for W, 0.01 for B, 10 for V (several binades), and no gradient for F.
Floats are written with 9 significant digits, which round-trip float32 exactly (-0 keeps its sign).
"""
import json
import math
import os
import re

import torch

SHAPES = [("W", (4, 5), True, True), ("B", (5,), False, True), ("F", (2, 3), False, False), ("V", (3, 7), True, True)]
SCALES = {"W": 1.0, "B": 0.01, "V": 10.0}
STEPS = 100
SNAPSHOTS = [1, 2, 3, 5, 10, 25, 50, 75, 100]
HERE = os.path.dirname(os.path.abspath(__file__))


def f32(values):
    return ["%.9g" % v for v in values]


def make_tensors():
    tensors = []
    offset = 0
    for name, shape, decay, trainable in SHAPES:
        n = 1
        for d in shape:
            n *= d
        values = [((i * 31337 + 17) % 2003 - 1001) / 1000 for i in range(offset, offset + n)]
        t = torch.tensor(values, dtype=torch.float32).reshape(shape)
        t.requires_grad_(trainable)
        tensors.append((name, t, offset, n, decay, trainable))
        offset += n
    return tensors


def set_gradients(tensors, step):
    for name, t, offset, n, decay, trainable in tensors:
        if not trainable:
            continue
        values = [((i * 7919 + step * 104729) % 2001 - 1000) / 1000 for i in range(offset, offset + n)]
        g = torch.tensor(values, dtype=torch.float32) * torch.tensor(SCALES[name], dtype=torch.float32)
        t.grad = g.reshape(t.shape)


def flat(tensors):
    return torch.cat([t.detach().flatten() for _, t, _, _, _, _ in tensors]).tolist()


def make_optimizer(kind, options, tensors):
    decayed = [t for _, t, _, _, d, _ in tensors if d]
    other = [t for _, t, _, _, d, _ in tensors if not d]
    wd = options.get("weight_decay", 0.0)
    rest = {k: v for k, v in options.items() if k != "weight_decay"}
    groups = [{"params": decayed, "weight_decay": wd}, {"params": other, "weight_decay": 0.0}]
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    # foreach=False: the single-tensor path, whose arithmetic the generated code follows.
    return cls(groups, foreach=False, **rest)


def state_dump(optimizer, tensors):
    """torch's per-parameter state after the run, by tensor name (frozen F has none)."""
    result = {}
    for name, t, _, _, _, _ in tensors:
        state = optimizer.state.get(t, {})
        entry = {}
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"):
            value = state.get(key)
            if value is not None:
                entry[key] = f32(value.flatten().tolist())
        result[name] = entry
    return result


def run(kind, options, steps=STEPS, schedule=None):
    tensors = make_tensors()
    optimizer = make_optimizer(kind, options, tensors)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule) if schedule else None
    snapshots = {}
    lrs = []
    for step in range(1, steps + 1):
        set_gradients(tensors, step)
        lrs.append(optimizer.param_groups[0]["lr"])  # the lr this step uses
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if step in SNAPSHOTS:
            snapshots[str(step)] = f32(flat(tensors))
    return tensors, optimizer, snapshots, lrs


def header():
    return {
        "torch": torch.__version__,  # Debian's python3-torch 1.13.1+dfsg reports 1.13.0a0
        "generator": "tests/WeightDecay.Edge.Tests/TorchReference/make_reference.py",
        "layout": [{"name": n, "shape": list(s), "decay": d, "trainable": tr} for n, s, d, tr in SHAPES],
        "initial": f32(flat(make_tensors())),
    }


def maximize_cases():
    sgd = {"lr": 0.05, "weight_decay": 0.01}
    cases = [
        ("sgd", "sgd-plain", dict(sgd)),
        ("sgd", "sgd-momentum", dict(sgd, momentum=0.9, dampening=0.1)),
        ("sgd", "sgd-nesterov", dict(sgd, momentum=0.9, nesterov=True)),
        ("adam", "adam", {"lr": 0.01, "weight_decay": 0.01}),
        ("adam", "adam-amsgrad", {"lr": 0.01, "weight_decay": 0.01, "amsgrad": True}),
        ("adamw", "adamw", {"lr": 0.01, "weight_decay": 0.1}),
        ("adamw", "adamw-amsgrad", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ]
    out = []
    for maximize in (True, False):
        for kind, name, options in cases:
            opts = dict(options, maximize=maximize)
            tensors, optimizer, snapshots, _ = run(kind, opts)
            out.append({
                "name": name + ("-maximize" if maximize else ""),
                "optimizer": kind,
                "options": opts,
                "steps": STEPS,
                "parameters": snapshots,
                "state": state_dump(optimizer, tensors),
            })
    return out


def schedule(step):
    # LambdaLR's lambda: a multiplier of the base lr, given the number of scheduler.step() calls so far.
    return 0.95 ** step * (1 if step < 20 else 0.5)


def lambda_cases():
    steps = 60
    cases = [
        ("adamw", "adamw-lambda", {"lr": 0.01, "weight_decay": 0.1}),
        ("sgd", "sgd-momentum-lambda", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ]
    out = []
    for kind, name, options in cases:
        tensors, optimizer, snapshots, lrs = run(kind, options, steps=steps, schedule=schedule)
        out.append({
            "name": name,
            "optimizer": kind,
            "options": options,
            "steps": steps,
            "lr": [repr(v) for v in lrs],
            "multiplier": [repr(schedule(t - 1)) for t in range(1, steps + 1)],
            "parameters": {k: v for k, v in snapshots.items() if int(k) <= steps},
            "state": state_dump(optimizer, tensors),
        })
    return out


def write(name, document):
    # Indented, but each list of numbers on one line, so a diff shows which values changed.
    text = json.dumps(document, indent=1)
    text = re.sub(r'\[\s*("[^"\]]*"(?:,\s*"[^"\]]*")*)\s*\]', lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    text = re.sub(r'\[\s*(\d+(?:,\s*\d+)*)\s*\]', lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    torch.set_num_threads(1)
    doc = header()
    doc["note"] = ("Each case: torch.optim with foreach=False, param groups [W, V] (weight_decay) and [B, F] (0), "
                   "gradients as in make_reference.py; 'parameters' maps a step count to all 52 parameters after that "
                   "many optimizer.step() calls; 'state' is optimizer.state after the last step, by tensor.")
    doc["cases"] = maximize_cases()
    write("maximize.json", doc)

    doc = header()
    doc["note"] = ("LambdaLR(optimizer, lambda step: 0.95 ** step * (1 if step < 20 else 0.5)). Each training step t "
                   "(1-based) sets the gradients, calls optimizer.step(), then scheduler.step(). 'lr'[t-1] is the lr "
                   "step t used: base_lr * lambda(t - 1) as a Python double ('multiplier'[t-1] is lambda(t - 1)), "
                   "i.e. the multiplier of the number of completed steps, as this library's Schedule.Multiplier(StepCount).")
    doc["cases"] = lambda_cases()
    write("lambda_lr.json", doc)
