"""The greedy soup chooses its ingredients on a selection split of each task's validation data, kept
apart from the blocks that fill the reported task matrix."""

from types import SimpleNamespace

import pytest
import torch

from engine.core.data import TokenBlocks
from engine.errors import EngineError
from engine.events import MemorySink
from engine.methods.continual.config import CLWeightAveragingConfig
from engine.methods.continual.data import TaskData, selection_split
from engine.methods.continual.strategies import ContinualContext, WeightAveraging
from tests.engine.test_continual_strategies import VOCAB, random_blocks, tiny_llama


def rows(blocks: TokenBlocks) -> set[tuple[int, ...]]:
    return {tuple(row) for row in blocks.input_ids.tolist()}


@pytest.mark.parametrize("count,selected", [(2, 1), (4, 1), (5, 2), (8, 2), (9, 3)])
def test_the_split_keeps_the_last_quarter_for_selection_and_the_rest_for_the_report(count, selected):
    blocks = random_blocks(count, seed=count)
    reported, selection = selection_split(blocks, "t")
    assert len(selection) == selected and len(reported) == count - selected
    assert torch.equal(torch.cat([reported.input_ids, selection.input_ids]), blocks.input_ids)
    assert torch.equal(torch.cat([reported.labels, selection.labels]), blocks.labels)
    assert rows(reported).isdisjoint(rows(selection))
    assert torch.equal(selection_split(blocks, "t")[1].input_ids, selection.input_ids), "deterministic"


def test_a_task_with_one_validation_block_is_refused_with_what_to_do():
    with pytest.raises(EngineError, match=r"task 'tiny'.*needs at least 2.*uniform_soup"):
        two = random_blocks(2)
        selection_split(TokenBlocks(two.input_ids[:1], two.attention_mask[:1], two.labels[:1]), "tiny")


def test_the_greedy_soup_never_reads_the_reported_validation_blocks(tmp_path):
    model = tiny_llama()
    config = CLWeightAveragingConfig(averaging="greedy_soup", training={"batch_size": 2, "eval_batches": 50})
    tasks = []
    for index in range(2):
        # Different token ranges per part, so every row read can be told apart.
        blocks = random_blocks(8, seed=10 + index)
        blocks.input_ids[:] = blocks.input_ids % (VOCAB // 2) + (VOCAB // 2 if index else 0)
        reported, selection = selection_split(blocks, f"task-{index}")
        tasks.append(TaskData(f"task-{index}", random_blocks(4, seed=index), reported, [], selection))
    context = ContinualContext(spec=SimpleNamespace(seed=0), config=config, model=model, tokenizer=None, tasks=tasks,
                               events=MemorySink(), replay_blocks=None, task_start_model=lambda index: model,
                               task_model_dir=lambda index: tmp_path / f"task-{index}")
    strategy = WeightAveraging(context)
    read: set[tuple[int, ...]] = set()
    model.model.embed_tokens.register_forward_hook(
        lambda module, args, output: read.update(tuple(row) for row in args[0].tolist()))

    strategy.end_task(0)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.01)  # a second ingredient that differs from the first
    metrics = strategy.end_task(1)

    assert metrics["cl/soup_size"] in (1.0, 2.0)
    selection_rows = rows(tasks[0].selection_blocks) | rows(tasks[1].selection_blocks)
    reported_rows = rows(tasks[0].validation_blocks) | rows(tasks[1].validation_blocks)
    assert read == selection_rows, "every selection block is read (eval_batches covers them), nothing else"
    assert read.isdisjoint(reported_rows)
