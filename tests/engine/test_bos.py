"""Beginning of sequence: training, evaluation, RL and seq_kd prompts and the playground follow the
tokenizer's own rule (what `tokenizer(text)` puts before a text), and chat data the chat template."""

import threading
from pathlib import Path

import pytest
import torch
from tokenizers.processors import TemplateProcessing
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from engine.core.data import (
    Dataset,
    chat_tokens,
    leading_special_ids,
    pack_texts,
    prompt_completion_tokens,
    sample_prompts,
    text_ids,
    tokenize_dataset,
)
from engine.core.evaluation import generate_samples
from engine.core.losses import IGNORE_INDEX
from engine.methods.distillation.config import SequenceKDConfig
from engine.methods.distillation.sequence_kd import generate_answers
from engine.methods.preference.data import PreferenceDataset, preference_sample_prompts, tokenize_preferences
from engine.methods.rl.rewards import RewardSpec
from engine.methods.rl.rollouts import prompt_set

TEMPLATE = ("{{ bos_token }}{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
            "{% if add_generation_prompt %}<assistant>{% endif %}")


@pytest.fixture(scope="module")
def plain(kit):
    """The demo tokenizer: `tokenizer(text)` adds nothing (like GPT-2's or Qwen's)."""
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.chat_template = TEMPLATE
    return tokenizer


@pytest.fixture(scope="module")
def with_bos(kit, tmp_path_factory):
    """The same vocabulary with a Llama-style post-processor: `tokenizer(text)` starts with <|bos|>."""
    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    tokenizer.backend_tokenizer.post_processor = TemplateProcessing(
        single="<|bos|> $A", pair="<|bos|> $A <|bos|> $B", special_tokens=[("<|bos|>", tokenizer.bos_token_id)])
    tokenizer.chat_template = TEMPLATE
    directory = tmp_path_factory.mktemp("bos-tokenizer")
    tokenizer.save_pretrained(directory)
    reloaded = AutoTokenizer.from_pretrained(directory)
    assert reloaded("x")["input_ids"][0] == reloaded.bos_token_id
    return reloaded


def test_the_rule_is_what_the_tokenizer_itself_does(plain, with_bos):
    assert leading_special_ids(plain) == []
    assert leading_special_ids(with_bos) == [with_bos.bos_token_id]
    for tokenizer in (plain, with_bos):
        for text in ("def f(x): return x", "a", " spaced  out "):
            assert text_ids(tokenizer, text) == tokenizer(text)["input_ids"]


def test_packed_documents_each_start_with_bos_when_the_tokenizer_adds_one(plain, with_bos):
    docs = ["def f(x): return x", "y = 2"]
    for tokenizer, prefix in ((plain, []), (with_bos, [with_bos.bos_token_id])):
        ids = [tokenizer(doc, add_special_tokens=False)["input_ids"] for doc in docs]
        stream = prefix + ids[0] + [2] + prefix + ids[1] + [2]
        blocks = pack_texts(docs, tokenizer, block_size=len(stream) - 1)
        assert len(blocks) == 1
        assert blocks.input_ids[0].tolist() == stream[:-1]
        assert blocks.labels[0].tolist() == stream[1:]


def test_prompt_completion_rows_start_with_bos_which_is_not_a_target(plain, with_bos):
    row = {"prompt": "x = 1", "completion": " + 2"}
    ids, targets = prompt_completion_tokens(row, with_bos)
    assert ids[0] == with_bos.bos_token_id and targets[0] is False
    assert ids[1:] == prompt_completion_tokens(row, plain)[0]
    blocks, _ = tokenize_dataset(Dataset("prompt-completion", [row], Path("rows.jsonl")), with_bos, 32)
    assert blocks.input_ids[0, 0] == with_bos.bos_token_id
    assert blocks.labels[0, 0] == IGNORE_INDEX


def test_chat_rows_follow_the_template_alone_with_one_bos(with_bos):
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    ids, _ = chat_tokens(messages, with_bos)
    assert ids[0] == with_bos.bos_token_id and ids[1] != with_bos.bos_token_id
    assert ids.count(with_bos.bos_token_id) == 1


def test_sample_prompts_start_like_the_training_data(plain, with_bos):
    text = Dataset("text", ["def f(x): return x * 2 + 3 - 4 / 5 and more"], Path("t.jsonl"))
    pairs = Dataset("prompt-completion", [{"prompt": "x = 1", "completion": " + 2"}], Path("p.jsonl"))
    bos = with_bos.bos_token_id
    [text_prompt] = sample_prompts(text, with_bos, 1)
    assert text_prompt[0] == bos and text_prompt[1:] == sample_prompts(text, plain, 1)[0]
    [pair_prompt] = sample_prompts(pairs, with_bos, 1)
    assert pair_prompt == [bos] + sample_prompts(pairs, plain, 1)[0]


def test_preference_pairs_and_their_sample_prompts_start_with_bos(plain, with_bos):
    dataset = PreferenceDataset("plain", [{"prompt": "x = 1", "chosen": " + 2", "rejected": " - 2"}],
                                Path("pairs.jsonl"), "0")
    pairs, _ = tokenize_preferences(dataset, with_bos, 32)
    bos = with_bos.bos_token_id
    assert pairs.chosen_input_ids[0, 0] == bos and pairs.rejected_input_ids[0, 0] == bos
    plain_pairs, _ = tokenize_preferences(dataset, plain, 32)
    assert plain_pairs.chosen_input_ids[0, 0] != bos
    assert preference_sample_prompts(dataset, with_bos, 1) == [[bos] + preference_sample_prompts(dataset, plain, 1)[0]]


def test_rl_prompts_start_with_bos_and_keep_it_when_cut(plain, with_bos):
    rows = [{"prompt": "def add(a, b):\n    return a + b\n" * 3, "completion": "4"}]
    dataset = Dataset("prompt-completion", rows, Path("rl.jsonl"))
    rewards = [RewardSpec(name="exact_match")]
    bos = with_bos.bos_token_id
    [full] = prompt_set(dataset, with_bos, max_prompt_tokens=1000, rewards=rewards)[0].prompt_ids
    assert full == with_bos(rows[0]["prompt"])["input_ids"] and full[0] == bos
    [cut] = prompt_set(dataset, with_bos, max_prompt_tokens=6, rewards=rewards)[0].prompt_ids
    assert cut == [bos] + full[-5:]
    [unchanged] = prompt_set(dataset, plain, max_prompt_tokens=6, rewards=rewards)[0].prompt_ids
    assert unchanged == plain(rows[0]["prompt"])["input_ids"][-6:]


def test_seq_kd_teacher_prompts_start_with_bos_unless_chat_rendered(with_bos):
    config = LlamaConfig(vocab_size=len(with_bos), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    torch.manual_seed(0)
    teacher = LlamaForCausalLM(config).eval()
    seen: list[list[int]] = []
    teacher.model.embed_tokens.register_forward_hook(lambda module, args, output: seen.append(args[0][0].tolist()))
    settings = SequenceKDConfig(max_new_tokens=1, temperature=0.0)
    bos = with_bos.bos_token_id

    generate_answers(teacher, with_bos, ["x = 1"], settings, seed=0, cancel=threading.Event())
    assert seen[0] == with_bos("x = 1")["input_ids"] and seen[0][0] == bos

    seen.clear()
    rendered = with_bos.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False,
                                            add_generation_prompt=True)
    generate_answers(teacher, with_bos, [rendered], settings, seed=0, cancel=threading.Event(), chat=True)
    assert seen[0] == with_bos(rendered, add_special_tokens=False)["input_ids"] and seen[0].count(bos) == 1


def _long_pairs(kind: str) -> PreferenceDataset:
    words = " ".join(f"word{i}" for i in range(40))
    if kind == "plain":
        row = {"prompt": words, "chosen": " yes", "rejected": " no, not at all"}
    else:
        row = {"prompt": [{"role": "user", "content": words}], "chosen": [{"role": "assistant", "content": "yes"}],
               "rejected": [{"role": "assistant", "content": "no, not at all"}]}
    return PreferenceDataset(kind, [row], Path("pairs.jsonl"), "0")


def test_a_dpo_prompt_cut_from_the_left_keeps_its_bos_then_its_last_tokens(with_bos):
    bos = with_bos.bos_token_id
    full = text_ids(with_bos, _long_pairs("plain").rows[0]["prompt"])
    rejected = with_bos(" no, not at all", add_special_tokens=False)["input_ids"] + [with_bos.eos_token_id]
    pairs, note = tokenize_preferences(_long_pairs("plain"), with_bos, 24)

    kept = 24 + 1 - len(rejected)  # the longer response decides how much prompt fits, BOS included
    assert full[0] == bos and len(full) > kept
    assert pairs.prompts[0] == [bos] + full[-(kept - 1):]
    assert pairs.rejected_input_ids[0].tolist() == ([bos] + full[-(kept - 1):] + rejected)[:24]
    assert pairs.chosen_input_ids[0, :kept].tolist() == pairs.prompts[0]
    assert "1 pairs were cut to fit" in note


def test_a_dpo_response_longer_than_the_block_keeps_the_bos_as_its_prompt(with_bos):
    dataset = PreferenceDataset("plain", [{"prompt": "Q: say it", "chosen": " and" * 40, "rejected": " no"}],
                                Path("pairs.jsonl"), "0")
    pairs, _ = tokenize_preferences(dataset, with_bos, 8)
    assert pairs.prompts[0] == [with_bos.bos_token_id]
    assert pairs.chosen_input_ids[0].tolist() == [with_bos.bos_token_id] + with_bos(" and" * 7,
                                                                                   add_special_tokens=False)["input_ids"]


def test_a_chat_dpo_prompt_cut_from_the_left_keeps_the_bos_its_template_writes(with_bos):
    bos = with_bos.bos_token_id
    pairs, _ = tokenize_preferences(_long_pairs("chat"), with_bos, 24)
    full = with_bos(with_bos.apply_chat_template(_long_pairs("chat").rows[0]["prompt"], tokenize=False,
                                                 add_generation_prompt=True), add_special_tokens=False)["input_ids"]
    assert full[0] == bos and len(pairs.prompts[0]) < len(full)
    assert pairs.prompts[0][0] == bos and pairs.prompts[0][1:] == full[len(full) - len(pairs.prompts[0]) + 1:]
    assert pairs.chosen_input_ids[0, 0] == bos and pairs.rejected_input_ids[0, 0] == bos


def test_an_evaluation_sample_prompt_longer_than_half_the_block_keeps_its_bos(with_bos):
    config = LlamaConfig(vocab_size=len(with_bos), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    seen: list[list[int]] = []
    model.model.embed_tokens.register_forward_hook(lambda module, args, output: seen.append(args[0][0].tolist()))
    prompt = text_ids(with_bos, _long_pairs("plain").rows[0]["prompt"])

    generate_samples(model, with_bos, [prompt], max_new_tokens=1, block_size=16)

    assert seen[0] == [with_bos.bos_token_id] + prompt[-7:]
