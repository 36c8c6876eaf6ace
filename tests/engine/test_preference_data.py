"""Preference data: reading and checking rows, plain and chat masks, truncation, batches and the demo pairs."""

import json

import pytest
import torch
from transformers import AutoTokenizer

from engine.core.data import TrainOrder
from engine.core.losses import IGNORE_INDEX
from engine.demo.preference import build_demo_preferences, preference_rows_from_texts
from engine.errors import EngineError
from engine.methods.preference.data import (
    preference_sample_prompts,
    read_preferences,
    tokenize_preferences,
)

CHAT_TEMPLATE = (
    "{% for message in messages %}<|bos|>{{ message['role'] }}\n{{ message['content'] }}<|eos|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|bos|>assistant\n{% endif %}"
)


@pytest.fixture(scope="module")
def tokenizer(kit):
    return AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])


@pytest.fixture(scope="module")
def chat_tokenizer(kit):
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def write_rows(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def ids(tokenizer, text):
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def targets(labels, row):
    return labels[row][labels[row] != IGNORE_INDEX].tolist()


def test_plain_pairs_are_prompt_then_response_then_eos_with_targets_on_the_response_and_eos_only(tokenizer, tmp_path):
    rows = [{"prompt": "def add(a, b):", "chosen": "\n    return a + b", "rejected": "\n    return a - b"},
            {"prompt": "x =", "chosen": " 1", "rejected": " None  # unknown"}]
    dataset = read_preferences(write_rows(tmp_path / "pairs.jsonl", rows), role="training data")
    pairs, note = tokenize_preferences(dataset, tokenizer, block_size=32)

    assert dataset.kind == "plain" and len(pairs) == 2 and "2 plain preference pairs" in note
    eos = tokenizer.eos_token_id
    for row, example in enumerate(rows):
        prompt = ids(tokenizer, example["prompt"])
        for side in ("chosen", "rejected"):
            input_ids, mask, labels = (getattr(pairs, f"{side}_{name}")
                                       for name in ("input_ids", "attention_mask", "labels"))
            response = ids(tokenizer, example[side]) + [eos]
            sequence = prompt + response
            real = int(mask[row].sum())
            assert input_ids[row, :real].tolist() == sequence
            assert targets(labels, row) == response
            # Position i is labelled with token i + 1: the last prompt position predicts the first response token.
            assert labels[row, len(prompt) - 1] == response[0]
            assert (labels[row, : len(prompt) - 1] == IGNORE_INDEX).all()
            assert (input_ids[row, real:] == tokenizer.pad_token_id).all()
            assert (labels[row, real:] == IGNORE_INDEX).all()
    assert pairs.chosen_lengths.tolist() == [len(ids(tokenizer, r["chosen"])) + 1 for r in rows]
    assert pairs.rejected_lengths.tolist() == [len(ids(tokenizer, r["rejected"])) + 1 for r in rows]


def test_chat_pairs_train_on_the_response_turns_only_not_on_assistant_turns_of_the_prompt(chat_tokenizer, tmp_path):
    prompt = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
              {"role": "assistant", "content": "Hello, how can I help?"}, {"role": "user", "content": "Name a colour."}]
    rows = [{"prompt": prompt, "chosen": "Blue.", "rejected": [{"role": "assistant", "content": "I cannot."}]},
            {"prompt": prompt[1:2], "chosen": {"role": "assistant", "content": "Hey"},
             "rejected": [{"role": "assistant", "content": "Go"}, {"role": "assistant", "content": "away"}]}]
    dataset = read_preferences(write_rows(tmp_path / "chat.jsonl", rows), role="training data")
    pairs, _ = tokenize_preferences(dataset, chat_tokenizer, block_size=120)

    assert dataset.kind == "chat"
    turn_end = ids(chat_tokenizer, "<|eos|>\n")
    assert targets(pairs.chosen_labels, 0) == ids(chat_tokenizer, "Blue.") + turn_end
    assert targets(pairs.rejected_labels, 0) == ids(chat_tokenizer, "I cannot.") + turn_end
    assert targets(pairs.chosen_labels, 1) == ids(chat_tokenizer, "Hey") + turn_end
    # Two response messages: both contents are targets, the second one's role header is not.
    assert targets(pairs.rejected_labels, 1) == (ids(chat_tokenizer, "Go") + turn_end
                                                 + ids(chat_tokenizer, "away") + turn_end)
    rendered = chat_tokenizer.apply_chat_template(prompt + [{"role": "assistant", "content": "Blue."}], tokenize=False)
    real = int(pairs.chosen_attention_mask[0].sum())
    assert pairs.chosen_input_ids[0, :real].tolist() == ids(chat_tokenizer, rendered)
    rendered_prompt = chat_tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)
    prompt_ids = ids(chat_tokenizer, rendered_prompt)
    assert preference_sample_prompts(dataset, chat_tokenizer, 1) == [prompt_ids]
    assert pairs.prompts[0] == prompt_ids


def test_a_long_prompt_is_cut_from_the_left_the_same_for_both_responses_keeping_them_whole(tokenizer, tmp_path):
    prompt = " ".join(f"word{i}" for i in range(60))
    rows = [{"prompt": prompt, "chosen": " short answer", "rejected": " a much longer answer than the chosen one"}]
    pairs, note = tokenize_preferences(read_preferences(write_rows(tmp_path / "p.jsonl", rows), role="data"),
                                       tokenizer, block_size=24)

    eos = tokenizer.eos_token_id
    chosen, rejected = ids(tokenizer, rows[0]["chosen"]) + [eos], ids(tokenizer, rows[0]["rejected"]) + [eos]
    assert targets(pairs.chosen_labels, 0) == chosen and targets(pairs.rejected_labels, 0) == rejected
    kept = 24 + 1 - len(rejected)  # the longer response decides how much prompt fits
    full_prompt = ids(tokenizer, prompt)
    assert pairs.rejected_input_ids[0].tolist() == (full_prompt[-kept:] + rejected)[:24]
    assert pairs.chosen_input_ids[0, :kept].tolist() == full_prompt[-kept:]
    assert pairs.prompts[0] == full_prompt[-kept:]
    assert "1 pairs were cut to fit" in note


def test_a_response_longer_than_the_block_keeps_one_prompt_token_and_its_beginning(tokenizer, tmp_path):
    rows = [{"prompt": "Q: say it", "chosen": " and" * 40, "rejected": " no"}]
    pairs, _ = tokenize_preferences(read_preferences(write_rows(tmp_path / "p.jsonl", rows), role="data"),
                                    tokenizer, block_size=8)

    prompt = ids(tokenizer, rows[0]["prompt"])
    assert pairs.chosen_input_ids[0].tolist() == prompt[-1:] + ids(tokenizer, " and" * 7)
    assert targets(pairs.chosen_labels, 0) == ids(tokenizer, " and" * 8)
    assert targets(pairs.rejected_labels, 0) == ids(tokenizer, " no") + [tokenizer.eos_token_id]


def test_pairs_batch_in_a_seeded_order_with_one_loss_unit_per_pair_and_move_with_their_reference(tokenizer, tmp_path):
    rows = [{"prompt": f"p{i}", "chosen": f" good {i}", "rejected": f" bad {i}"} for i in range(10)]
    pairs, _ = tokenize_preferences(read_preferences(write_rows(tmp_path / "p.jsonl", rows), role="data"),
                                    tokenizer, block_size=16)
    pairs = pairs.with_reference(torch.arange(10.0), -torch.arange(10.0))
    order = TrainOrder(pairs, batch_size=4, seed=3)

    seen = []
    for _ in range(5):
        batch = order.next_batch().to(torch.device("cpu"))
        assert batch.loss_units == len(batch) == 4
        seen += batch.reference_chosen.long().tolist()
        assert torch.equal(batch.reference_rejected, -batch.reference_chosen)
        for position, index in enumerate(batch.reference_chosen.long().tolist()):
            assert torch.equal(batch.chosen_input_ids[position], pairs.chosen_input_ids[index])
            assert torch.equal(batch.rejected_labels[position], pairs.rejected_labels[index])
    assert sorted(seen[:10]) == list(range(10)), "every pair once per epoch"
    with pytest.raises(ValueError, match=r"need \(10,\) reference log-probabilities"):
        pairs.with_reference(torch.zeros(9), torch.zeros(9))


@pytest.mark.parametrize("row,message", [
    ({"prompt": "a", "chosen": "b"},
     r"line 2: field 'rejected' is missing \(preference datasets need 'prompt', 'chosen'"),
    ({"prompt": "a", "chosen": "", "rejected": "c"}, r"line 2: field 'chosen' must be a non-empty string"),
    ({"prompt": "a", "chosen": ["b"], "rejected": "c"}, r"line 2: field 'chosen' must be a non-empty string"),
    ({"prompt": [], "chosen": "b", "rejected": "c"}, r"line 2: 'prompt' must be a non-empty list"),
    ({"prompt": [{"role": "user", "content": "hi"}], "chosen": "b",
      "rejected": [{"role": "user", "content": "c"}]}, r"line 2: 'rejected' may only hold assistant messages"),
    ({"prompt": [{"role": "robot", "content": "hi"}], "chosen": "b", "rejected": "c"},
     r"line 2: 'prompt': message 0 has role 'robot'"),
    ("just text", r"line 2: a row must be a JSON object"),
])
def test_bad_rows_are_reported_with_their_line_and_what_to_fix(tmp_path, row, message):
    path = write_rows(tmp_path / "bad.jsonl", [{"prompt": "ok", "chosen": "yes", "rejected": "no"}, row])
    if isinstance(row, dict) and isinstance(row.get("prompt"), list):
        path = write_rows(tmp_path / "bad.jsonl", [{"prompt": [{"role": "user", "content": "ok"}], "chosen": "yes",
                                                    "rejected": "no"}, row])
    with pytest.raises(EngineError, match=message):
        read_preferences(path, role="training data")


def test_mixed_kinds_missing_files_invalid_json_and_empty_files_are_refused_with_advice(tmp_path):
    mixed = write_rows(tmp_path / "mixed.jsonl", [{"prompt": "a", "chosen": "b", "rejected": "c"},
                                                  {"prompt": [{"role": "user", "content": "a"}], "chosen": "b",
                                                   "rejected": "c"}])
    with pytest.raises(EngineError, match="line 2: a chat row in a plain dataset"):
        read_preferences(mixed, role="training data")
    with pytest.raises(EngineError, match=r"training data file .*none.jsonl does not exist: .*\"prompt\""):
        read_preferences(tmp_path / "none.jsonl", role="training data")
    (tmp_path / "broken.jsonl").write_text('{"prompt": "a",\n')
    with pytest.raises(EngineError, match="broken.jsonl line 1: not valid JSON"):
        read_preferences(tmp_path / "broken.jsonl", role="training data")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(EngineError, match="has no rows"):
        read_preferences(tmp_path / "empty.jsonl", role="training data")


def test_the_dataset_hash_follows_the_file_content(tmp_path):
    path = write_rows(tmp_path / "p.jsonl", [{"prompt": "a", "chosen": "b", "rejected": "c"}])
    first = read_preferences(path, role="data").sha256
    assert read_preferences(path, role="data").sha256 == first
    write_rows(path, [{"prompt": "a", "chosen": "b", "rejected": "d"}])
    assert read_preferences(path, role="data").sha256 != first


def test_demo_preferences_pair_each_real_continuation_with_its_words_shuffled_deterministically(tmp_path):
    texts = ["alpha beta gamma delta epsilon zeta eta theta iota kappa", "same same same same same same"]
    rows = preference_rows_from_texts(texts, prompt_words=3, response_words=3, seed=0)
    assert rows == preference_rows_from_texts(texts, prompt_words=3, response_words=3, seed=0)
    assert [row["prompt"] for row in rows] == ["alpha beta gamma"], "one window of 6 words per 10-word text"
    assert rows[0]["chosen"] == " delta epsilon zeta"
    assert sorted(rows[0]["rejected"].split()) == sorted(rows[0]["chosen"].split())
    assert rows[0]["rejected"] != rows[0]["chosen"], "a text of one repeated word gives no pair"

    summary = build_demo_preferences(tmp_path / "demo", train_bytes=30_000, max_pairs=50)
    assert summary["train"]["rows"] == 50 and summary["validation"]["rows"] == 5
    dataset = read_preferences(summary["train"]["path"], role="training data")
    assert dataset.kind == "plain" and len(dataset.rows) == 50
    again = build_demo_preferences(tmp_path / "again", train_bytes=30_000, max_pairs=50)
    assert read_preferences(again["train"]["path"], role="data").sha256 == dataset.sha256
