#!/usr/bin/python3
"""Reference trajectories for per-tensor LearningRateScale and WeightDecayScale, from real torch param groups.

Run with Debian's torch (python3-torch 1.13.1):  /usr/bin/python3 make_param_group_reference.py
It rewrites param_groups.json next to this script.

A scale is what a torch user writes as a param group: the group's lr is the base lr times the scale, its weight_decay
the base weight_decay times the scale, both Python doubles. The layout (ParamGroupReferenceLayout in
ParamGroupReferenceTests.cs), in declaration order, with the torch group each tensor sits in:
    W (4x5)  LearningRateScale 0.5                          group {lr: lr * 0.5, weight_decay: wd}
    B (5)    LearningRateScale 0.5, not decayed             group {lr: lr * 0.5, weight_decay: 0}
    F (2x3)  frozen                                         (not in the optimizer)
    V (3x7)  WeightDecayScale 4                             group {weight_decay: wd * 4}
    U (2x6)  LearningRateScale 0.1, WeightDecayScale 0.25   group {lr: lr * 0.1, weight_decay: wd * 0.25}
    C (17)   neither                                        group {weight_decay: wd}
Initial parameters and gradients are the integer formulas of make_reference.py (flat index i, step t):
    p[i] = float32(((i * 31337 + 17) % 2003 - 1001) / 1000)
    g[i] = float32(((i * 7919 + t * 104729) % 2001 - 1000) / 1000) * scale, scale W 1, B 0.01, V 10, U 0.1, C 1

Cases with "lambda" run torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: 0.95 ** e * (1 if e < 20 else 0.5)),
which sets each group's lr to its own initial lr times the lambda (the library: LearningRate times the group's scale
times Schedule.Multiplier(StepCount)). Cases with "decay_gamma" set each group's weight_decay before step t (1-based)
to (its weight_decay) * gamma ** ((t - 1) // 10) (the library's DecaySchedule = LearningRateSchedule.Step(10, gamma)).
"sgdw" is the library's SgdOptimizer with Decoupled = true (not in torch): torch.optim.SGD with weight_decay 0 in every
group, after p.mul_(1 - lr_g * wd_g) on each decayed tensor, lr_g and wd_g being its group's values for the step.
"""

import torch

from make_reference import f32, write  # the number format and the one-line-per-list JSON layout

# name, shape, decayed, trainable, lr scale, weight-decay scale, gradient scale
SHAPES = [("W", (4, 5), True, True, 0.5, 1.0, 1.0), ("B", (5,), False, True, 0.5, 1.0, 0.01),
          ("F", (2, 3), False, False, 1.0, 1.0, 0.0), ("V", (3, 7), True, True, 1.0, 4.0, 10.0),
          ("U", (2, 6), True, True, 0.1, 0.25, 0.1), ("C", (17,), True, True, 1.0, 1.0, 1.0)]
STEPS = 60
SNAPSHOTS = [1, 2, 3, 5, 10, 20, 30, 40, 50, 60]


def lam(epoch):
    return 0.95 ** epoch * (1 if epoch < 20 else 0.5)


def make_tensors():
    tensors = []
    offset = 0
    for name, shape, decayed, trainable, lr_scale, wd_scale, g_scale in SHAPES:
        n = 1
        for d in shape:
            n *= d
        values = [((i * 31337 + 17) % 2003 - 1001) / 1000 for i in range(offset, offset + n)]
        t = torch.tensor(values, dtype=torch.float32).reshape(shape).requires_grad_(trainable)
        tensors.append({"name": name, "t": t, "offset": offset, "n": n, "decayed": decayed, "trainable": trainable,
                        "lr_scale": lr_scale, "wd_scale": wd_scale, "g_scale": g_scale})
        offset += n
    return tensors


def set_gradients(tensors, step):
    for x in tensors:
        if not x["trainable"]:
            continue
        values = [((i * 7919 + step * 104729) % 2001 - 1000) / 1000 for i in range(x["offset"], x["offset"] + x["n"])]
        g = torch.tensor(values, dtype=torch.float32) * torch.tensor(x["g_scale"], dtype=torch.float32)
        x["t"].grad = g.reshape(x["t"].shape)


def flat(tensors):
    return torch.cat([x["t"].detach().flatten() for x in tensors]).tolist()


def base_weight_decay(x, wd):
    # The group's weight_decay before any schedule: the base value times the tensor's scale, 0 if it is not decayed.
    return wd * x["wd_scale"] if x["decayed"] else 0.0


def run(kind, options):
    tensors = make_tensors()
    wd = options.get("weight_decay", 0.0)
    gamma = options.get("decay_gamma", 1.0)
    rest = {k: v for k, v in options.items() if k not in ("weight_decay", "decay_gamma", "lambda")}
    trainable = [x for x in tensors if x["trainable"]]
    groups = [{"params": [x["t"]], "lr": options["lr"] * x["lr_scale"],
               "weight_decay": 0.0 if kind == "sgdw" else base_weight_decay(x, wd)} for x in trainable]
    cls = {"sgd": torch.optim.SGD, "sgdw": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    optimizer = cls(groups, foreach=False, **rest)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lam) if options.get("lambda") else None
    snapshots = {}
    for step in range(1, STEPS + 1):
        set_gradients(tensors, step)
        multiplier = gamma ** ((step - 1) // 10)
        for x, group in zip(trainable, optimizer.param_groups):
            wd_g = base_weight_decay(x, wd) * multiplier
            if kind == "sgdw":
                if x["decayed"] and wd_g != 0.0:
                    with torch.no_grad():
                        x["t"].mul_(1 - group["lr"] * wd_g)
            else:
                group["weight_decay"] = wd_g
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if step in SNAPSHOTS:
            snapshots[str(step)] = f32(flat(tensors))
    return snapshots


CASES = [
    ("sgd", "sgd-plain", {"lr": 0.05, "weight_decay": 0.5}),
    ("sgd", "sgd-momentum", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.5}),
    ("sgd", "sgd-nesterov-maximize", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.5, "maximize": True}),
    ("sgd", "sgd-momentum-lambda", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.5, "lambda": True}),
    ("sgdw", "sgdw-momentum", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.5}),
    ("adam", "adam", {"lr": 0.01, "weight_decay": 0.5}),
    ("adam", "adam-amsgrad-decay-schedule", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True, "decay_gamma": 0.3}),
    ("adamw", "adamw", {"lr": 0.01, "weight_decay": 2.0}),
    ("adamw", "adamw-amsgrad-maximize", {"lr": 0.01, "weight_decay": 2.0, "amsgrad": True, "maximize": True}),
    ("adamw", "adamw-lambda", {"lr": 0.01, "weight_decay": 2.0, "lambda": True}),
    ("adamw", "adamw-decay-schedule", {"lr": 0.01, "weight_decay": 2.0, "decay_gamma": 0.3}),
]


if __name__ == "__main__":
    torch.set_num_threads(1)
    tensors = make_tensors()
    document = {
        "torch": torch.__version__,
        "generator": "tests/WeightDecay.Edge.Tests/TorchReference/make_param_group_reference.py",
        "note": ("torch.optim (foreach=False) with one param group per trainable tensor: lr = lr * LearningRateScale, "
                 "weight_decay = weight_decay * WeightDecayScale (0 for B); F frozen. 'parameters' maps a step count to "
                 "all 73 parameters."),
        "layout": [{"name": n, "shape": list(s), "decay": d, "trainable": tr, "lr_scale": ls, "wd_scale": ws}
                   for n, s, d, tr, ls, ws, _ in SHAPES],
        "initial": f32(flat(tensors)),
        "cases": [{"name": name, "optimizer": kind, "options": options, "steps": STEPS, "parameters": run(kind, options), "state": {}}
                  for kind, name, options in CASES],
    }
    write("param_groups.json", document)
