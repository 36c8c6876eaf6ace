"""Datasets: JSON Lines reading, text packing, prompt-completion and chat masks, and the batch order."""

import json
import re

import pytest
import torch
from transformers import AutoTokenizer

from engine.core.data import (
    TEXT_SAMPLE_PROMPT_TOKENS,
    TrainOrder,
    pack_texts,
    read_jsonl,
    sample_prompts,
    tokenize_dataset,
    validation_batches,
)
from engine.core.losses import IGNORE_INDEX
from engine.errors import EngineError


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
    with pytest.raises(EngineError,
                       match=r"training data file .*nope.jsonl does not exist: give the path of a JSON Lines"):
        read_jsonl(tmp_path / "nope.jsonl", role="training data")


CHATML = (
    "{% for message in messages %}<|bos|>{{ message['role'] }}\n{{ message['content'] }}<|eos|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|bos|>assistant\n{% endif %}"
)


@pytest.fixture(scope="module")
def chat_tokenizer(kit, tmp_path_factory):
    """The kit's tokenizer with a ChatML-like template whose turn markers are its bos and eos."""
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.chat_template = CHATML
    return tokenizer


def write_rows(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def targets_of(blocks, row):
    """The target token ids of a row, in order."""
    labels = blocks.labels[row]
    return labels[labels != IGNORE_INDEX].tolist()


def test_prompt_completion_rows_are_trained_on_the_completion_and_eos_only(tokenizer, tmp_path):
    rows = [{"prompt": "def add(a, b):", "completion": "\n    return a + b"}, {"prompt": "x =", "completion": " 1"}]
    dataset = read_jsonl(write_rows(tmp_path / "data.jsonl", rows), role="training data")

    blocks, description = tokenize_dataset(dataset, tokenizer, block_size=32)

    assert dataset.kind == "prompt-completion" and description.startswith("2 prompt-completion rows padded to 32")
    for row, example in enumerate(rows):
        prompt = tokenizer(example["prompt"], add_special_tokens=False)["input_ids"]
        completion = tokenizer(example["completion"], add_special_tokens=False)["input_ids"]
        sequence = prompt + completion + [tokenizer.eos_token_id]
        assert blocks.input_ids[row, : len(sequence)].tolist() == sequence
        assert blocks.attention_mask[row].sum() == len(sequence)
        assert targets_of(blocks, row) == completion + [tokenizer.eos_token_id]
        # Position i predicts token i + 1: the first target sits on the prompt's last token.
        assert blocks.labels[row, len(prompt) - 1] == completion[0]
        assert (blocks.labels[row, : len(prompt) - 1] == IGNORE_INDEX).all()


def test_chat_rows_are_trained_on_the_assistant_turns_only(chat_tokenizer, tmp_path):
    conversation = [
        {"role": "system", "content": "Answer in code."},
        {"role": "user", "content": "add two numbers"},
        {"role": "assistant", "content": "a + b"},
        {"role": "user", "content": "and subtract?"},
        {"role": "assistant", "content": "a - b"},
    ]
    dataset = read_jsonl(write_rows(tmp_path / "chat.jsonl", [{"messages": conversation}]), role="training data")

    blocks, _ = tokenize_dataset(dataset, chat_tokenizer, block_size=64)

    def ids(text):
        return chat_tokenizer(text, add_special_tokens=False)["input_ids"]

    eos = chat_tokenizer.eos_token_id
    # Each assistant turn's content, its end-of-turn marker and the newline after it.
    assert targets_of(blocks, 0) == ids("a + b") + [eos] + ids("\n") + ids("a - b") + [eos] + ids("\n")
    rendered = chat_tokenizer.apply_chat_template(conversation, tokenize=False)
    real = int(blocks.attention_mask[0].sum())
    assert chat_tokenizer.decode(blocks.input_ids[0, :real]) == rendered


def test_rows_longer_than_the_block_are_cut_and_rows_left_without_targets_are_dropped(tokenizer, tmp_path):
    rows = [{"prompt": "word " * 40, "completion": " done"}, {"prompt": "short", "completion": " answer " * 40}]
    dataset = read_jsonl(write_rows(tmp_path / "data.jsonl", rows), role="training data")

    blocks, description = tokenize_dataset(dataset, tokenizer, block_size=16)

    assert len(blocks) == 1 and blocks.attention_mask[0].sum() == 16
    assert "2 rows were cut at block_size" in description
    assert "1 rows were left out because no target token fits in block_size" in description

    with pytest.raises(EngineError, match=r"no row keeps a target token within block_size \(16\)"):
        tokenize_dataset(read_jsonl(write_rows(tmp_path / "long.jsonl", rows[:1]), role="training data"),
                         tokenizer, block_size=16)


def test_sample_prompts_are_the_first_rows_prompts_of_each_kind(tokenizer, chat_tokenizer, tmp_path):
    text = read_jsonl(write_rows(tmp_path / "text.jsonl", [{"text": "word " * 50}, {"text": "x"}]), role="v")
    pairs = read_jsonl(write_rows(tmp_path / "pairs.jsonl", [{"prompt": "p1", "completion": "c"}]), role="v")
    chat = read_jsonl(write_rows(tmp_path / "chat.jsonl", [{"messages": [
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}]), role="v")

    assert [len(ids) for ids in sample_prompts(text, tokenizer, 5)] == [TEXT_SAMPLE_PROMPT_TOKENS, 1]
    assert [tokenizer.decode(ids) for ids in sample_prompts(pairs, tokenizer, 5)] == ["p1"]
    assert [chat_tokenizer.decode(ids) for ids in sample_prompts(chat, chat_tokenizer, 1)] == [
        "<|bos|>user\nhi<|eos|>\n<|bos|>assistant\n"]


@pytest.mark.parametrize("rows,message", [
    ([{"text": "a"}, {"prompt": "p", "completion": "c"}], "line 2: a prompt-completion row in a text dataset"),
    ([{"prompt": "p"}], "line 1: field 'completion' is missing or not a string"),
    ([{"prompt": "p", "completion": ""}], "line 1: the completion is empty"),
    ([{"messages": []}], "line 1: field 'messages' must be a non-empty list"),
    ([{"messages": [{"role": "robot", "content": "x"}]}], "line 1: message 0 has role 'robot'"),
    ([{"messages": [{"role": "user", "content": "x"}]}], "line 1: the conversation has no assistant message"),
    ([{"messages": [{"role": "user"}]}], "line 1: message 0 needs a 'content' string"),
    ([{"title": "x"}], "line 1: a row must be one of"),
])
def test_rows_of_the_wrong_shape_are_reported_with_their_line_and_what_is_expected(tmp_path, rows, message):
    with pytest.raises(EngineError, match=re.escape(message)):
        read_jsonl(write_rows(tmp_path / "data.jsonl", rows), role="training data")


def test_chat_data_with_a_tokenizer_without_a_chat_template_is_refused_with_advice(tokenizer, tmp_path):
    dataset = read_jsonl(write_rows(tmp_path / "chat.jsonl", [{"messages": [
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}]), role="training data")

    with pytest.raises(EngineError, match="has no chat template, which chat data needs"):
        tokenize_dataset(dataset, tokenizer, block_size=16)
