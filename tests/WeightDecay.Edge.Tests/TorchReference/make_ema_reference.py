#!/usr/bin/python3
"""Reference trajectories for the moving average of the weights ([ModelLayout(EmaDecay = d)]), from real torch.

Run with Debian's torch (python3-torch 1.13.1):  /usr/bin/python3 make_ema_reference.py
It rewrites ema.json next to this script.

torch 2's AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(d)) starts as a copy of the model, and each
update_parameters(model) after optimizer.step() copies the parameters the first time (n_averaged == 0) and then does
torch._foreach_lerp_(ema, params, 1 - d). torch 1.13 has AveragedModel but not get_ema_multi_avg_fn, so this script
does the same with the same operations: the average starts as a copy, and after each step it is either
ema.copy_(p) (first step) or ema.lerp_(p, 1 - d), tensor by tensor.

The layout (EmaReferenceLayout* in EmaReferenceTests.cs), in declaration order:
    W (4x5) decayed;  B (5) not decayed;  F (2x3) frozen;  V (3x7) decayed
Initial parameters and gradients are make_reference.py's (scale W 1, B 0.01, V 10; F none). 'average' maps a step
count to the average of all 52 parameters (F's, which no step changes, are the model's).
"""

import torch

from make_reference import f32, write  # the number format and the one-line-per-list JSON layout

from make_accumulation_reference import make_tensors, gradient  # the same four tensors, start and gradients

STEPS = 40
SNAPSHOTS = [1, 2, 3, 5, 10, 20, 30, 40]


def set_gradients(tensors, step):
    for x in tensors:
        if x["trainable"]:
            x["t"].grad = gradient(x, step)


def run(kind, options):
    tensors = make_tensors()
    decay = options["ema_decay"]
    wd = options.get("weight_decay", 0.0)
    rest = {k: v for k, v in options.items() if k not in ("weight_decay", "ema_decay")}
    trainable = [x for x in tensors if x["trainable"]]
    groups = [{"params": [x["t"] for x in trainable if x["decayed"]], "weight_decay": wd},
              {"params": [x["t"] for x in trainable if not x["decayed"]], "weight_decay": 0.0}]
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    optimizer = cls(groups, foreach=False, **rest)
    average = [x["t"].detach().clone() for x in tensors]  # AveragedModel: a deep copy of the model
    parameters, averages = {}, {}
    for step in range(1, STEPS + 1):
        set_gradients(tensors, step)
        optimizer.step()
        with torch.no_grad():
            for x, a in zip(tensors, average):
                if not x["trainable"]:
                    continue
                if step == 1:
                    a.copy_(x["t"])
                else:
                    a.lerp_(x["t"], 1 - decay)
        if step in SNAPSHOTS:
            parameters[str(step)] = f32(torch.cat([x["t"].detach().flatten() for x in tensors]).tolist())
            averages[str(step)] = f32(torch.cat([a.flatten() for a in average]).tolist())
    return parameters, averages


CASES = [
    ("sgd", "sgd-momentum-ema-0.9", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01, "ema_decay": 0.9}),
    ("adam", "adam-amsgrad-ema-0.9", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "ema_decay": 0.9}),
    # A lerp weight of 0.7 (torch's second formula); the momentum steps move V far enough from its average that the
    # two formulas differ in some elements, so this case tells them apart (it fails with the first formula alone).
    ("sgd", "sgd-momentum-ema-0.3", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01, "ema_decay": 0.3}),
    ("adamw", "adamw-ema-0.999", {"lr": 0.01, "weight_decay": 0.1, "ema_decay": 0.999}),
    ("adamw", "adamw-ema-0.9", {"lr": 0.01, "weight_decay": 0.1, "ema_decay": 0.9}),
]


if __name__ == "__main__":
    torch.set_num_threads(1)
    tensors = make_tensors()
    cases = []
    for kind, name, options in CASES:
        parameters, averages = run(kind, options)
        cases.append({"name": name, "optimizer": kind, "options": options, "steps": STEPS, "parameters": parameters,
                      "average": averages, "state": {}})
    document = {
        "torch": torch.__version__,
        "generator": "tests/WeightDecay.Edge.Tests/TorchReference/make_ema_reference.py",
        "note": ("Each step: set the gradients, optimizer.step() (foreach=False; param groups [W, V] with weight_decay, [B] "
                 "with 0; F frozen), then the average: a copy of the parameters after step 1, ema.lerp_(p, 1 - ema_decay) "
                 "after the others. 'parameters' and 'average' map a step count to all 52 values."),
        "initial": f32(torch.cat([x["t"].detach().flatten() for x in tensors]).tolist()),
        "cases": cases,
    }
    write("ema.json", document)
