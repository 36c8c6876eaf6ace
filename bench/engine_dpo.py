"""Benchmark: DPO with cached reference log-probabilities vs recomputed ones, and the preference
loss's peak memory with chunked log-probabilities vs full logits.

    .venv/bin/python bench/engine_dpo.py [--pairs 64] [--epochs 4] [--vocab 8192 32768 65536]
                                         [--sequence 256 1024] [--lora-ranks 0 8] [--repeats 2] [--write-docs]

1. Epoch time. One process builds a policy and a frozen reference (the same initial weights, as
   the engine's default initial-policy reference) and --pairs random preference pairs of
   --epoch-sequence tokens, then runs training epochs of the engine's DPO objective
   (engine.methods.preference.recipe.PreferenceOptimisation: forward over chosen + rejected, backward,
   AdamW step) alternating between the two ways of getting the reference's log-probabilities:
   "cached" (attached to the pairs once, as engine.methods.preference.reference_cache does, so an epoch after the
   first runs no reference forward) and "recomputed" (reference_cache false: a reference forward
   every step). The first epoch of each kind is a warm-up; the medians of the later ones give the
   ratio recomputed/cached. For each of --lora-ranks: 0 trains all weights, r > 0 LoRA adapters
   (PEFT), whose backward computes no weight gradients, so the reference forward weighs more.

2. Peak memory of one DPO step (forward, backward; reference values cached) with the engine's
   chunked log-probabilities from the final hidden states (engine.core.token_logprobs, chunk_size from
   DPOConfig) against a plain implementation that materialises the full logits of both responses
   (model(...).logits, log_softmax, gather), for each --vocab and --sequence. Each cell is a fresh
   process, measured as in bench/engine_kd.py: on CPU, allocations above 64 KiB go to mmap, the
   heap is trimmed, the kernel's peak-RSS counter is reset and the step's peak is VmHWM minus the
   RSS before it; on CUDA, torch.cuda.max_memory_allocated above the memory allocated before.
"""

import argparse
import ctypes
import gc
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.engine_kd import M_MMAP_THRESHOLD, _status_kib, machine_description  # noqa: E402

SECTION = "## Engine: DPO reference cache and chunked preference loss"
POLICY = {"hidden_size": 256, "intermediate_size": 688, "num_hidden_layers": 2, "num_attention_heads": 4,
          "num_key_value_heads": 4}
PAIRS_PER_STEP = 2
"""Preference pairs per step in the memory measurement (2 x that many sequences)."""


def _model(vocab: int, positions: int, seed: int) -> Any:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    return LlamaForCausalLM(LlamaConfig(vocab_size=vocab, max_position_embeddings=positions,
                                        tie_word_embeddings=False, **POLICY))


def _random_pairs(count: int, sequence: int, vocab: int) -> Any:
    """Preference pairs of random tokens: a quarter of each sequence is prompt, the rest response."""
    import torch

    from engine.core.losses import IGNORE_INDEX
    from engine.methods.preference.data import PreferencePairs

    generator = torch.Generator().manual_seed(1)
    prompt = sequence // 4
    tensors = []
    for _ in ("chosen", "rejected"):
        ids = torch.randint(0, vocab, (count, sequence + 1), generator=generator)
        ids[:, :prompt] = ids[0, :prompt]
        labels = ids[:, 1:].clone()
        labels[:, : prompt - 1] = IGNORE_INDEX
        tensors += [ids[:, :-1].contiguous(), torch.ones(count, sequence, dtype=torch.long), labels]
    return PreferencePairs(*tensors)


def epoch_times(args: argparse.Namespace, lora_rank: int) -> dict[str, Any]:
    """Seconds per epoch of both variants, alternating in one process."""
    import torch

    from engine.methods.preference.config import DPOConfig
    from engine.methods.preference.recipe import PreferenceOptimisation
    from engine.methods.preference.reference_cache import compute_reference_log_probs
    from engine.spec import TrainingConfig

    config = DPOConfig(training=TrainingConfig(batch_size=args.batch_size, block_size=args.epoch_sequence))
    policy = _model(args.epoch_vocab, args.epoch_sequence, seed=0)
    reference = _model(args.epoch_vocab, args.epoch_sequence, seed=0).eval().requires_grad_(False)
    if lora_rank:
        from peft import LoraConfig, get_peft_model

        policy = get_peft_model(policy, LoraConfig(r=lora_rank, lora_alpha=16, task_type="CAUSAL_LM"))
    optimizer = torch.optim.AdamW([p for p in policy.parameters() if p.requires_grad], lr=1e-5)
    pairs = _random_pairs(args.pairs, args.epoch_sequence, args.epoch_vocab)
    started = time.perf_counter()
    values = compute_reference_log_probs(reference, pairs, batch_size=args.batch_size, chunk_size=config.chunk_size,
                                         autocast=False)
    first_epoch_cache_s = time.perf_counter() - started
    variants = {
        "cached": (PreferenceOptimisation(policy, config, reference=None, uses_reference=True),
                   pairs.with_reference(values.chosen, values.rejected)),
        "recomputed": (PreferenceOptimisation(policy, config, reference=reference, uses_reference=True), pairs),
    }

    def epoch(variant: str) -> tuple[float, float]:
        objective, data = variants[variant]
        started, cpu_started = time.perf_counter(), time.process_time()
        for start in range(0, len(data), args.batch_size):
            batch = data.batch(list(range(start, min(start + args.batch_size, len(data)))))
            loss, _ = objective.loss(batch, len(batch))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        return time.perf_counter() - started, time.process_time() - cpu_started

    times: dict[str, list[float]] = {"cached": [], "recomputed": []}
    cpu_times: dict[str, list[float]] = {"cached": [], "recomputed": []}
    for number in range(args.epochs + 1):
        # Alternate the order so that neither variant always follows the other.
        for variant in ("cached", "recomputed") if number % 2 == 0 else ("recomputed", "cached"):
            seconds, cpu_seconds = epoch(variant)
            if number:  # the first epoch of each is a warm-up
                times[variant].append(seconds)
                cpu_times[variant].append(cpu_seconds)
            print(f"lora rank {lora_rank} epoch {number} {variant}: {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU",
                  file=sys.stderr)
    wall = {variant: statistics.median(values) for variant, values in times.items()}
    cpu = {variant: statistics.median(values) for variant, values in cpu_times.items()}
    return {"lora_rank": lora_rank, "times": times, "cpu_times": cpu_times, "cached_s": wall["cached"],
            "recomputed_s": wall["recomputed"], "ratio": wall["recomputed"] / wall["cached"],
            "cached_cpu_s": cpu["cached"], "recomputed_cpu_s": cpu["recomputed"],
            "cpu_ratio": cpu["recomputed"] / cpu["cached"], "reference_pass_s": first_epoch_cache_s}


def measure_memory(variant: str, vocab: int, sequence: int, device_name: str) -> dict[str, Any]:
    """One process: the peak extra memory of one DPO step (forward and backward)."""
    import torch

    from engine.core.losses import IGNORE_INDEX
    from engine.methods.preference.config import DPOConfig
    from engine.methods.preference.losses import dpo_loss
    from engine.methods.preference.recipe import PreferenceOptimisation

    device = torch.device(device_name)
    policy = _model(vocab, sequence, seed=0).to(device)
    pairs = _random_pairs(PAIRS_PER_STEP, sequence, vocab)
    pairs = pairs.with_reference(-torch.rand(PAIRS_PER_STEP) * sequence, -torch.rand(PAIRS_PER_STEP) * sequence)
    batch = pairs.batch(list(range(PAIRS_PER_STEP))).to(device)
    config = DPOConfig()
    chunked = PreferenceOptimisation(policy, config, reference=None, uses_reference=True)

    def plain_loss() -> torch.Tensor:
        input_ids = torch.cat([batch.chosen_input_ids, batch.rejected_input_ids])
        labels = torch.cat([batch.chosen_labels, batch.rejected_labels])
        logits = policy(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits.float()
        log_probs = logits.log_softmax(-1).gather(-1, labels.clamp(min=0)[..., None]).squeeze(-1)
        summed = torch.where(labels != IGNORE_INDEX, log_probs, 0.0).sum(-1)
        return dpo_loss(summed[:PAIRS_PER_STEP], summed[PAIRS_PER_STEP:], batch.reference_chosen,
                        batch.reference_rejected, beta=config.beta).losses.mean()

    def step() -> None:
        loss = plain_loss() if variant == "plain" else chunked.loss(batch, PAIRS_PER_STEP)[0]
        loss.backward()
        policy.zero_grad(set_to_none=True)

    step()
    if device.type == "cuda":
        torch.cuda.synchronize()
        gc.collect()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        step()
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated() - before
    else:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 64 * 1024)
        step()
        gc.collect()
        libc.malloc_trim(0)
        before = _status_kib("VmRSS") * 1024
        Path("/proc/self/clear_refs").write_text("5")
        step()
        peak = _status_kib("VmHWM") * 1024 - before
    return {"variant": variant, "vocab": vocab, "sequence": sequence, "peak_bytes": peak}


def _in_fresh_process(arguments: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "TOKENIZERS_PARALLELISM": "false",
           "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    completed = subprocess.run([sys.executable, __file__, *arguments], env=env, capture_output=True, text=True,
                               check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def memory_rows(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for vocab in args.vocab:
        for sequence in args.sequence:
            peaks: dict[str, list[int]] = {"plain": [], "chunked": []}
            for repeat in range(args.repeats):
                for variant in ("plain", "chunked") if repeat % 2 == 0 else ("chunked", "plain"):
                    result = _in_fresh_process(["--memory-worker", variant, "--vocab", str(vocab), "--sequence",
                                                str(sequence), "--device", args.device])
                    peaks[variant].append(result["peak_bytes"])
                    print(f"vocab {vocab} sequence {sequence} {variant}: {result['peak_bytes'] / 2**20:,.0f} MiB",
                          file=sys.stderr)
            plain, chunked = statistics.median(peaks["plain"]), statistics.median(peaks["chunked"])
            rows.append({"vocab": vocab, "sequence": sequence, "plain_peak": plain, "chunked_peak": chunked,
                         "ratio": chunked / plain, "peaks": peaks})
    return rows


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100)


def report(args: argparse.Namespace, epochs: list[dict[str, Any]], memory: list[dict[str, Any]], machine: str,
           load: str) -> str:
    command = "OMP_WAIT_POLICY=PASSIVE .venv/bin/python bench/engine_dpo.py " + " ".join(sys.argv[1:])
    epoch_table = [
        ("| policy trains | cached epoch, wall (s) | recomputing epoch, wall (s) | recomputed/cached, wall "
         "| cached epoch, CPU (s) | recomputing epoch, CPU (s) | recomputed/cached, CPU "
         "| one-off reference pass (s) |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ] + [f"| {'LoRA rank ' + str(row['lora_rank']) + ' adapters' if row['lora_rank'] else 'all weights'} "
         f"| {row['cached_s']:.2f} | {row['recomputed_s']:.2f} | {row['ratio']:.2f}x | {row['cached_cpu_s']:.2f} "
         f"| {row['recomputed_cpu_s']:.2f} | {row['cpu_ratio']:.2f}x | {row['reference_pass_s']:.2f} |"
         for row in epochs]
    verdicts = "; ".join(f"{'LoRA rank ' + str(row['lora_rank']) if row['lora_rank'] else 'all weights'} "
                         f"{row['ratio']:.2f}x wall, {row['cpu_ratio']:.2f}x CPU "
                         f"({'met' if min(row['ratio'], row['cpu_ratio']) >= 1.5 else 'NOT met'})" for row in epochs)
    memory_table = [
        "| vocab | tokens per sequence | plain peak (MiB) | chunked peak (MiB) | chunked/plain |",
        "|---:|---:|---:|---:|---:|",
    ] + [f"| {row['vocab']:,} | {row['sequence']:,} | {row['plain_peak'] / 2**20:,.0f} "
         f"| {row['chunked_peak'] / 2**20:,.0f} | {row['ratio']:.1%} |" for row in memory]
    return "\n\n".join([
        SECTION,
        _wrap(f"Epoch time of dpo with the reference log-probabilities cached (reference_cache true, the "
              f"default: no reference forward after they are computed once) against recomputing them every "
              f"step (reference_cache false), in the same process on the same machine, alternating: "
              f"{args.pairs} random pairs of {args.epoch_sequence} tokens, batch {args.batch_size}, Llama "
              f"policy and reference of hidden {POLICY['hidden_size']}, {POLICY['num_hidden_layers']} layers, "
              f"vocab {args.epoch_vocab:,}, {args.device.upper()} float32; medians of {args.epochs} epochs "
              "of each after a warm-up epoch. CPU time (user + system of the process, all threads) is given "
              "beside wall time because other jobs share the cores."),
        "\n".join(epoch_table),
        f"Target: cached epochs at least 1.5x faster than recomputing: {verdicts}.",
        _wrap(f"Peak memory of one dpo step (forward and backward over {PAIRS_PER_STEP} pairs, i.e. "
              f"{2 * PAIRS_PER_STEP} sequences, reference values cached): the engine's chunked "
              "log-probabilities from the final hidden states against full logits, median of "
              f"{args.repeats} fresh processes per cell, measured as in bench/engine_kd.py."),
        "\n".join(memory_table),
        f"Command: `{command}` (writes `bench/results/engine_dpo.json`).",
        _wrap(f"Machine: {machine}; {time.strftime('%Y-%m-%d')}, {load}."),
    ])


def append_docs(text: str) -> None:
    """Append this section at the end of docs/BENCHMARKS.md (other sections are left as they are)."""
    path = REPO_ROOT / "docs" / "BENCHMARKS.md"
    current = path.read_text()
    path.write_text(current.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=64, help="pairs per epoch in the epoch-time measurement")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=4, help="timed epochs of each variant, after a warm-up")
    parser.add_argument("--epoch-sequence", type=int, default=256, help="tokens per sequence for epoch times")
    parser.add_argument("--epoch-vocab", type=int, default=8192)
    parser.add_argument("--lora-ranks", type=int, nargs="+", default=[0, 8],
                        help="policy setups for epoch times: 0 trains all weights, r > 0 LoRA adapters of rank r")
    parser.add_argument("--vocab", type=int, nargs="+", default=[8192, 32768, 65536])
    parser.add_argument("--sequence", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--repeats", type=int, default=2, help="fresh processes per memory cell and variant")
    parser.add_argument("--hidden", type=int, default=POLICY["hidden_size"],
                        help="policy/reference hidden size (intermediate 2.6875x, heads of 64)")
    parser.add_argument("--layers", type=int, default=POLICY["num_hidden_layers"],
                        help="layers; more layers make the trunk, not the output layer, dominate the step")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--write-docs", action="store_true", help="append the results to docs/BENCHMARKS.md")
    parser.add_argument("--memory-worker", choices=["plain", "chunked"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    heads = max(1, args.hidden // 64)
    POLICY.update(hidden_size=args.hidden, intermediate_size=int(args.hidden * 2.6875), num_hidden_layers=args.layers,
                  num_attention_heads=heads, num_key_value_heads=heads)
    if args.memory_worker:
        print(json.dumps(measure_memory(args.memory_worker, args.vocab[0], args.sequence[0], args.device)))
        return

    import torch

    torch.set_num_threads(min(torch.get_num_threads(), os.cpu_count() or 1))
    load_before = os.getloadavg()[0]
    epochs = []
    for lora_rank in args.lora_ranks:
        epochs.append(epoch_times(args, lora_rank))
        print(f"lora rank {lora_rank}: cached {epochs[-1]['cached_s']:.2f} s, recomputed "
              f"{epochs[-1]['recomputed_s']:.2f} s: {epochs[-1]['ratio']:.2f}x wall, "
              f"{epochs[-1]['cpu_ratio']:.2f}x CPU")
    memory = [] if args.skip_memory else memory_rows(args)
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    text = report(args, epochs, memory, machine_description(args.device), load)
    print(text)
    results = REPO_ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "engine_dpo.json").write_text(json.dumps({"args": vars(args), "epochs": epochs, "memory": memory,
                                                         "load": load}, indent=2))
    if args.write_docs:
        append_docs(text)


if __name__ == "__main__":
    main()
