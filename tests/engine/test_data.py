"""Text data: JSON Lines reading, packing into blocks with next-token labels, and the batch order."""

import json

import pytest
import torch
from transformers import AutoTokenizer

from engine.data import TrainOrder, pack_texts, read_jsonl, validation_batches
from engine.errors import EngineError
from engine.losses import IGNORE_INDEX


@pytest.fixture(scope="module")
def tokenizer(kit):
    return AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])


def test_packing_labels_every_position_with_the_next_token_of_the_eos_joined_stream(tokenizer):
    texts = ["def add(a, b):\n    return a + b", "x = 1", "class Thing:\n    pass\n" * 3]
    stream = []
    for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]:
        stream += ids + [tokenizer.eos_token_id]

    blocks = pack_texts(texts, tokenizer, block_size=8)

    inputs = blocks.input_ids[blocks.attention_mask.bool()].tolist()
    targets = blocks.labels[blocks.labels != IGNORE_INDEX].tolist()
    assert inputs == stream[: blocks.input_ids.numel()]
    assert targets == stream[1:], "every transition of the stream is trained on exactly once"
    assert blocks.input_ids.shape == (-(-(len(stream) - 1) // 8), 8)


def test_the_padded_end_of_the_last_block_is_masked_in_attention_and_labels(tokenizer):
    blocks = pack_texts(["a b c d e f g"], tokenizer, block_size=64)

    real = int(blocks.attention_mask.sum())
    assert blocks.attention_mask[0, real:].sum() == 0
    assert (blocks.labels[0, real - 1:] == IGNORE_INDEX).all()
    assert (blocks.input_ids[0, real:] == tokenizer.pad_token_id).all()


def test_the_training_order_is_fixed_by_the_seed_and_every_block_comes_once_per_epoch(tokenizer, kit):
    blocks = pack_texts(read_jsonl(kit["validation"]["path"], role="validation data").rows, tokenizer, 16)

    def first_epoch(seed):
        order = TrainOrder(blocks, batch_size=1, seed=seed)
        return [order.next_batch().input_ids for _ in range(len(blocks))]

    epoch = first_epoch(seed=0)
    assert all(torch.equal(a, b) for a, b in zip(epoch, first_epoch(seed=0)))
    assert not all(torch.equal(a, b) for a, b in zip(epoch, first_epoch(seed=1)))
    assert sorted(map(tuple, torch.cat(epoch).tolist())) == sorted(map(tuple, blocks.input_ids.tolist()))


def test_a_restored_training_order_continues_with_the_same_batches_across_an_epoch_boundary(tokenizer):
    blocks = pack_texts([f"line {i} " * 5 for i in range(20)], tokenizer, 8)
    order = TrainOrder(blocks, batch_size=3, seed=4)
    for _ in range(len(blocks) // 3):
        order.next_batch()
    restored = TrainOrder(blocks, batch_size=3, seed=4)
    restored.load_state_dict(order.state_dict())

    for _ in range(len(blocks)):
        assert torch.equal(order.next_batch().input_ids, restored.next_batch().input_ids)


def test_restoring_an_order_for_different_data_is_refused(tokenizer):
    order = TrainOrder(pack_texts(["one two three"] * 10, tokenizer, 4), batch_size=2, seed=0)
    with pytest.raises(EngineError, match="resume with the same training data"):
        order.load_state_dict({"epoch": 0, "index": 1, "num_blocks": 999})


def test_validation_batches_are_the_first_blocks_in_order_capped_by_eval_batches(tokenizer):
    blocks = pack_texts(["word " * 200], tokenizer, 8)

    batches = list(validation_batches(blocks, batch_size=3, max_batches=2))

    assert [batch.input_ids.shape[0] for batch in batches] == [3, 3]
    assert torch.equal(torch.cat([batch.input_ids for batch in batches]), blocks.input_ids[:6])


def test_a_row_without_text_is_reported_with_its_file_and_line_number(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps({"text": "fine"}) + "\n\n" + json.dumps({"body": "no text"}) + "\n")

    with pytest.raises(EngineError, match=r"data.jsonl line 3: field 'text' is missing"):
        read_jsonl(path, role="training data")


def test_a_missing_data_file_names_the_path_and_the_expected_format(tmp_path):
    with pytest.raises(EngineError, match=r"training data file .*nope.jsonl does not exist: give the path of a JSON Lines"):
        read_jsonl(tmp_path / "nope.jsonl", role="training data")
