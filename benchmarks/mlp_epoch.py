"""One training epoch of an MLP 784-256-128-10, dlcore against PyTorch on the CPU.

The model: Dense-ReLU-Dense-ReLU-Dense, softmax cross-entropy, Adam (lr 1e-3), batch 128,
float32, on 60,000 synthetic MNIST-shaped examples from a fixed seed. dlcore trains
through ``dlcore.training.fit``; PyTorch (when importable) runs the same model with a
plain loop, with as many threads as NumPy's BLAS uses. The two alternate over several
rounds in one run, so that both meet the same machine load; the script prints every
round, the medians and the ratio dlcore/torch (target: <= 1.0).

It also reports how busy *other* processes kept the CPU during the run: multithreaded
BLAS slows down sharply when another process takes one of its cores, so a high figure
means the timings are not trustworthy.

Usage::

    .venv/bin/python benchmarks/mlp_epoch.py [--rounds 5] [--parts]

``--parts`` also times the pieces of one dlcore epoch (batching, forward, loss,
backward, optimizer step). PyTorch is only a reference here, never a dependency:
``.venv/bin/pip install torch`` to enable it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections import defaultdict

import numpy as np
from threadpoolctl import threadpool_info

from dlcore.data import minibatches
from dlcore.layers import Dense, ReLU, Sequential
from dlcore.losses import softmax_cross_entropy, softmax_cross_entropy_grad
from dlcore.optimizers import Adam
from dlcore.training import fit

SIZES = (784, 256, 128, 10)
N_EXAMPLES, BATCH = 60_000, 128
OTHER_CPU_WARNING = 10.0  # percent of the machine


def blas_threads() -> int:
    """Number of threads NumPy's BLAS runs with (1 if it cannot be told)."""
    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return counts[0] if counts else 1


class CpuLoad:
    """CPU time used by other processes between two readings, as a % of the machine.

    Busy time of the whole machine (from ``/proc/stat``: everything but idle and iowait,
    steal included) minus this process's own user + system time (``/proc/self/stat``),
    over the wall time times the number of CPUs. Linux only; None elsewhere.
    """

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.start = self._read()

    @staticmethod
    def _read() -> tuple[int, int, int] | None:
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
            with open("/proc/self/stat") as f:
                own = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        idle = fields[3] + fields[4]  # idle + iowait
        total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
        return total, total - idle, int(own[11]) + int(own[12])  # utime + stime

    def other_percent(self) -> float | None:
        end = self._read()
        if self.start is None or end is None or end[0] == self.start[0]:
            return None
        total, busy, own = (b - a for a, b in zip(self.start, end, strict=True))
        return max(0.0, 100.0 * (busy - own) / total)


def report_cpu_load(other: float | None, threads: int) -> None:
    """Print the other processes' share of the CPU, with a warning when it is high."""
    if other is None:
        print("CPU used by other processes: unknown (no /proc)")
        return
    print(f"CPU used by other processes during the run: {other:.1f}% of the machine")
    if other > OTHER_CPU_WARNING:
        print(f"WARNING: other processes used more than {OTHER_CPU_WARNING:.0f}% of the CPU; "
              f"{threads}-thread BLAS slows down sharply under contention, so these timings "
              "are unreliable. Run again on a quiet machine.")


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.random((N_EXAMPLES, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], size=N_EXAMPLES)
    return X, y


def dlcore_model(seed: int) -> Sequential:
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
        layers.append(Dense(n_in, n_out, rng=seed + i, dtype=np.float32))
        if i < len(SIZES) - 2:
            layers.append(ReLU())
    return Sequential(*layers)


def dlcore_epoch(X: np.ndarray, y: np.ndarray, seed: int) -> float:
    model, opt = dlcore_model(seed), Adam(lr=1e-3)
    start = time.perf_counter()
    fit(model, X, y, optimizer=opt, epochs=1, batch_size=BATCH, rng=seed, progress=False)
    return time.perf_counter() - start


def torch_epoch(torch, X: np.ndarray, y: np.ndarray, seed: int) -> float:
    nn = torch.nn
    torch.manual_seed(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    start = time.perf_counter()
    order = torch.randperm(len(Xt))
    for i in range(0, len(Xt), BATCH):
        idx = order[i : i + BATCH]
        loss = nn.functional.cross_entropy(model(Xt[idx]), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def dlcore_parts(X: np.ndarray, y: np.ndarray, seed: int) -> dict[str, float]:
    """Seconds spent in each piece of one dlcore epoch (the loop of ``fit``, unrolled)."""
    model, opt = dlcore_model(seed), Adam(lr=1e-3)
    parts: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    batches = minibatches(X, y, BATCH, rng=seed)
    while True:
        t0 = clock()
        batch = next(batches, None)
        t1 = clock()
        parts["batching"] += t1 - t0
        if batch is None:
            return parts
        Xb, yb = batch
        out = model.forward(Xb)
        t2 = clock()
        softmax_cross_entropy(out, yb)
        grad = softmax_cross_entropy_grad(out, yb)
        t3 = clock()
        model.backward(grad, input_grad=False)
        t4 = clock()
        opt.step(model.params(), model.grads())
        t5 = clock()
        for name, dt in (("forward", t2 - t1), ("loss", t3 - t2), ("backward", t4 - t3),
                         ("optimizer", t5 - t4)):
            parts[name] += dt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument("--parts", action="store_true", help="also time the parts of an epoch")
    args = parser.parse_args()

    threads = blas_threads()
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(threads)
    print(f"MLP {'-'.join(map(str, SIZES))}, ReLU, softmax cross-entropy, Adam, batch {BATCH}, "
          f"float32, {N_EXAMPLES:,} synthetic examples")
    reference = f"; torch {torch.__version__}, {torch.get_num_threads()} threads" if torch else ""
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; NumPy {np.__version__}, "
          f"{threads} BLAS threads{reference}")
    X, y = make_data()
    dlcore_epoch(X[:5000], y[:5000], seed=0)  # warm up both before timing
    if torch is not None:
        torch_epoch(torch, X[:5000], y[:5000], seed=0)

    load = CpuLoad()
    times: dict[str, list[float]] = {"dlcore": [], "torch": []}
    for r in range(args.rounds):
        times["dlcore"].append(dlcore_epoch(X, y, seed=r))
        line = f"round {r + 1}: dlcore {times['dlcore'][-1]:.3f} s"
        if torch is not None:
            times["torch"].append(torch_epoch(torch, X, y, seed=r))
            line += f", torch {times['torch'][-1]:.3f} s"
            line += f", ratio {times['dlcore'][-1] / times['torch'][-1]:.2f}"
        print(line, flush=True)
    other = load.other_percent()

    dl = statistics.median(times["dlcore"])
    print(f"median epoch: dlcore {dl:.3f} s", end="")
    if torch is not None:
        th = statistics.median(times["torch"])
        print(f", torch {th:.3f} s; ratio dlcore/torch {dl / th:.2f} (target <= 1.0)")
    else:
        print("; the PyTorch reference was skipped (torch is not installed)")
    report_cpu_load(other, threads)

    if args.parts:
        parts = dlcore_parts(X, y, seed=0)
        total = sum(parts.values())
        print(f"dlcore epoch by parts ({total:.3f} s in all):")
        for name, seconds in parts.items():
            print(f"  {name:<10} {seconds:7.3f} s  {100 * seconds / total:5.1f}%")


if __name__ == "__main__":
    main()
