"""Data parallel: `python -m engine run --processes 2` (two CPU ranks over Gloo) trains exactly like
one process with the two ranks' batches together, and only rank 0 reports and writes."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from engine.core.data import TokenBlocks, TrainOrder
from tests.engine.helpers import ENGINE_ENV, REPO_ROOT, run_in_process, tiny_spec, write_spec


def start_engine(spec_path: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "run", str(spec_path), "--events-fd", str(write_fd), *extra],
        cwd=REPO_ROOT, env=ENGINE_ENV, pass_fds=(write_fd,), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    os.close(write_fd)
    return process, read_fd


def read_events(read_fd: int) -> list[dict]:
    with os.fdopen(read_fd) as stream:
        return [json.loads(line) for line in stream]


def test_the_ranks_split_each_global_batch_between_them():
    blocks = TokenBlocks(torch.arange(10)[:, None], torch.ones(10, 1), torch.arange(10)[:, None])
    single = TrainOrder(blocks, 4, seed=3)
    ranks = [TrainOrder(blocks, 2, seed=3, rank=r, world_size=2) for r in range(2)]
    for _ in range(6):  # crosses epochs
        together = torch.cat([order.next_batch().input_ids for order in ranks])
        assert torch.equal(together, single.next_batch().input_ids)


@pytest.mark.parametrize("method", ["lm_train", "kd_forward_kl"])
def test_two_processes_with_half_the_batch_train_like_one_process(kit, tiny_teacher_dir, tmp_path, method):
    def spec(output_dir, batch_size):
        return tiny_spec(kit, output_dir, method=method, teacher=tiny_teacher_dir if method != "lm_train" else None,
                         max_steps=4, batch_size=batch_size, gradient_accumulation_steps=2, eval_every=2,
                         checkpoint_every=2, eval_samples=0)

    single, _ = run_in_process(spec(tmp_path / "single", 4))
    process, read_fd = start_engine(write_spec(spec(tmp_path / "pair", 2), tmp_path / "pair.json"), "--processes", "2")
    events = read_events(read_fd)
    stdout, stderr = process.communicate(timeout=300)

    assert process.returncode == 0, stderr
    assert single.status == "finished"
    statuses = [e["status"] for e in events if e["kind"] == "status"]
    assert statuses == ["started", "finished"], "only rank 0 reports"
    assert [e["step"] for e in events if e["kind"] == "checkpoint"] == [2, 4]
    assert any("data parallel over 2 processes" in e.get("message", "") for e in events if e["kind"] == "log")
    ones = load_file(tmp_path / "single" / "final" / "model.safetensors")
    pair = load_file(tmp_path / "pair" / "final" / "model.safetensors")
    for name, weight in ones.items():
        torch.testing.assert_close(pair[name], weight, rtol=1e-4, atol=1e-5, msg=name)
    losses = [e["values"]["train/loss"] for e in events if e["kind"] == "metric" and "train/loss" in e["values"]]
    assert len(losses) == 4 and all(loss > 0 for loss in losses)


def test_sigterm_to_the_launcher_stops_every_rank_with_one_checkpoint(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", max_steps=100_000, batch_size=2, eval_every=0, checkpoint_every=0,
                     log_every=1, eval_samples=0)
    process, read_fd = start_engine(write_spec(spec, tmp_path / "spec.json"), "--processes", "2")
    stream = os.fdopen(read_fd)
    for line in stream:
        if json.loads(line)["kind"] == "metric":
            break
    process.send_signal(signal.SIGTERM)
    events = [json.loads(line) for line in stream]
    stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 3, stderr
    assert events[-1]["kind"] == "status" and events[-1]["status"] == "cancelled"
    [checkpoint] = [e for e in events if e["kind"] == "checkpoint"]
    assert (Path(checkpoint["path"]) / "trainer_state.pt").is_file()


def test_a_method_that_trains_in_one_process_refuses_several(kit, tiny_teacher_dir, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", method="seq_kd", teacher=tiny_teacher_dir)
    process, read_fd = start_engine(write_spec(spec, tmp_path / "spec.json"), "--processes", "2")
    events = read_events(read_fd)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "trains in one process" in stderr and events[-1]["status"] == "failed"
    assert not (tmp_path / "run").exists()


def torchrun_node(spec_path: Path, events_file: Path, *, node_rank: int, port: int) -> subprocess.Popen:
    """One node of a two-node run as the workers launch it: torchrun with a static rendezvous at
    node 0's address (here both nodes are on loopback), one CPU process per node."""
    return subprocess.Popen(
        [sys.executable, "-m", "torch.distributed.run", "--nnodes", "2", "--nproc-per-node", "1",
         "--node-rank", str(node_rank), "--master-addr", "127.0.0.1", "--master-port", str(port),
         "-m", "engine", "run", str(spec_path), "--events-file", str(events_file)],
        cwd=REPO_ROOT, env=ENGINE_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_torchrun_nodes_train_like_one_process_and_only_node_0_reports(kit, tmp_path):
    from engine.distributed import _free_port

    def spec(output_dir, batch_size):
        return tiny_spec(kit, output_dir, max_steps=4, batch_size=batch_size, eval_every=2, checkpoint_every=2,
                         eval_samples=0)

    single, _ = run_in_process(spec(tmp_path / "single", 4))
    spec_path = write_spec(spec(tmp_path / "nodes", 2), tmp_path / "nodes.json")
    port = _free_port()
    nodes = [torchrun_node(spec_path, tmp_path / f"events-{rank}.jsonl", node_rank=rank, port=port) for rank in (0, 1)]
    outputs = [node.communicate(timeout=300)[0] for node in nodes]

    assert [node.returncode for node in nodes] == [0, 0], outputs
    leader = [json.loads(line) for line in (tmp_path / "events-0.jsonl").read_text().splitlines()]
    assert [e["status"] for e in leader if e["kind"] == "status"] == ["started", "finished"]
    assert [e["step"] for e in leader if e["kind"] == "checkpoint"] == [2, 4]
    assert not (tmp_path / "events-1.jsonl").exists(), "ranks other than 0 report nothing"
    ones = load_file(tmp_path / "single" / "final" / "model.safetensors")
    pair = load_file(tmp_path / "nodes" / "final" / "model.safetensors")
    for name, weight in ones.items():
        torch.testing.assert_close(pair[name], weight, rtol=1e-4, atol=1e-5, msg=name)
