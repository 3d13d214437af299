#!/usr/bin/python3
"""Mini-batch training trajectories from real torch, for tests that run without torch.

Run with Debian's torch (python3-torch 1.13):  /usr/bin/python3 make_batch_reference.py
It rewrites batch_mlp.json next to this script, recording the torch version.

The network is BatchDigitsMlp (tests/WeightDecay.Edge.Tests/Dense/BatchLayouts.cs) as torch modules:
    Linear(64, 32), ReLU, Linear(32, 10)
flattened as torch.cat([p.flatten() for p in model.parameters()]): HiddenWeight (32x64), HiddenBias,
OutputWeight (10x32), OutputBias, the layout's order. AdamW with two parameter groups: the weights
with weight_decay, the biases with 0 (the layout's Bias Decay = false).

Each case takes STEPS steps of: zero_grad, a mini-batch of BATCH samples through the model, the loss
with torch's default reduction='mean' (cross_entropy on the logits, or mse_loss on the outputs),
backward, AdamW step. The file holds the initial parameters, every step's mini-batch (inputs in
[0, 1), labels, targets), every step's loss, the gradient of the first step, and the parameters after
every step. Floats are written with 9 significant digits, which round-trip float32 exactly.
"""
import json
import os

import torch

BATCH = 8
STEPS = 5
HERE = os.path.dirname(os.path.abspath(__file__))
OPTIONS = {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.05}


def f32(values):
    return ["%.9g" % v for v in values]


def flat(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()


def make_model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))


def run(loss_name, seed):
    model = make_model(seed)
    initial = flat(model)
    weights = [model[0].weight, model[2].weight]
    biases = [model[0].bias, model[2].bias]
    optimizer = torch.optim.AdamW(
        [{"params": weights, "weight_decay": OPTIONS["weight_decay"]}, {"params": biases, "weight_decay": 0.0}],
        lr=OPTIONS["lr"], betas=tuple(OPTIONS["betas"]), eps=OPTIONS["eps"])
    generator = torch.Generator().manual_seed(seed + 1)
    steps = []
    first_gradient = None
    for step in range(1, STEPS + 1):
        inputs = torch.rand((BATCH, 64), generator=generator)
        labels = torch.randint(0, 10, (BATCH,), generator=generator)
        targets = torch.rand((BATCH, 10), generator=generator) * 2 - 1
        optimizer.zero_grad()
        outputs = model(inputs)
        if loss_name == "cross-entropy":
            loss = torch.nn.functional.cross_entropy(outputs, labels)
        else:
            loss = torch.nn.functional.mse_loss(outputs, targets)
        loss.backward()
        if step == 1:
            first_gradient = torch.cat([p.grad.flatten() for p in model.parameters()]).tolist()
        optimizer.step()
        steps.append({
            "inputs": f32(inputs.flatten().tolist()),
            "labels": labels.tolist(),
            "targets": f32(targets.flatten().tolist()),
            "loss": "%.9g" % loss.item(),
            "parameters": f32(flat(model)),
        })
    return {"name": loss_name + "-adamw", "loss": loss_name, "initial": f32(initial),
            "firstGradient": f32(first_gradient), "steps": steps}


def main():
    document = {
        "torch": torch.__version__,
        "batch": BATCH,
        "options": OPTIONS,
        "cases": [run("cross-entropy", 10), run("mean-squared-error", 20)],
    }
    with open(os.path.join(HERE, "batch_mlp.json"), "w") as out:
        json.dump(document, out, separators=(",", ":"))
        out.write("\n")


if __name__ == "__main__":
    main()
