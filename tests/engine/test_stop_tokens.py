"""Every generation path stops at the checkpoint's own stop tokens (generation_config.eos_token_id,
a list for chat models), not only at the tokenizer's EOS: GRPO/KDRL rollouts and evaluation, seq_kd's
teacher answers, evaluation samples and the playground."""

import json
import threading
from pathlib import Path

import pytest
import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from engine import generate
from engine.core.evaluation import generate_samples
from engine.core.stops import cut_at_stop, stop_token_ids
from engine.events import MemorySink
from engine.methods.distillation.config import SequenceKDConfig
from engine.methods.distillation.sequence_kd import generate_answers
from engine.methods.rl.config import GRPOConfig
from engine.methods.rl.recipe import GRPO
from engine.methods.rl.rewards import RewardSpec
from engine.methods.rl.rollouts import PromptSet
from engine.models import load_causal_lm
from engine.spec import ModelSpec
from engine.spec import TrainingConfig

PROMPT = "def f(x): return x"
B, STOP, C = 100, 101, 102
"""The chain model answers a prompt ending in A with B, then STOP (its end of turn), then C forever."""


def chain_model(vocab_size: int, last_prompt_token: int) -> LlamaForCausalLM:
    """A tiny llama whose next token is fixed by the current one: A -> B -> STOP -> C -> C ...

    Attention and MLP outputs are zero, so the final hidden state is the current token's embedding;
    those of A, B, STOP and C are orthogonal unit vectors and each output row points at one of them.
    Its generation_config lists STOP as an end-of-sequence token besides the tokenizer's EOS, as a
    chat checkpoint's generation_config.json lists <|im_end|> or <|eot_id|>.
    """
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64,
                         tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, pad_token_id=0)
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        embeddings, head = model.get_input_embeddings().weight, model.get_output_embeddings().weight
        head.zero_()
        for axis, token in enumerate((last_prompt_token, B, STOP, C)):
            embeddings[token] = torch.nn.functional.one_hot(torch.tensor(axis), 16).float()
        head[B, 0] = head[STOP, 1] = head[C, 2] = head[C, 3] = 10.0
    model.generation_config.eos_token_id = [2, STOP]
    return model.eval()


@pytest.fixture(scope="module")
def tokenizer(kit):
    return AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])


@pytest.fixture(scope="module")
def prompt_ids(tokenizer):
    ids = tokenizer(PROMPT, add_special_tokens=False)["input_ids"]
    assert ids[-1] not in (B, STOP, C, tokenizer.eos_token_id)
    return ids


@pytest.fixture(scope="module")
def checkpoint(tokenizer, prompt_ids, tmp_path_factory) -> Path:
    """The chain model saved with save_pretrained: its generation_config.json lists the extra stop."""
    directory = tmp_path_factory.mktemp("chain")
    chain_model(len(tokenizer), prompt_ids[-1]).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    assert json.loads((directory / "generation_config.json").read_text())["eos_token_id"] == [2, STOP]
    return directory


@pytest.fixture()
def model(checkpoint, tokenizer):
    return load_causal_lm(ModelSpec(path=str(checkpoint)), role="model", vocab_size=len(tokenizer)).eval()


def test_the_chain_model_runs_on_past_its_stop_token_when_nothing_stops_it(model, prompt_ids):
    output = model.generate(input_ids=torch.tensor([prompt_ids]), max_new_tokens=5, do_sample=False,
                            eos_token_id=None, pad_token_id=0)
    assert output[0, len(prompt_ids):].tolist() == [B, STOP, C, C, C]


def test_the_stop_ids_are_the_generation_configs_then_the_tokenizers_eos(model, tokenizer):
    assert tokenizer.eos_token_id == 2
    assert stop_token_ids(model, tokenizer) == [2, STOP]
    model.generation_config.eos_token_id = STOP
    assert stop_token_ids(model, tokenizer) == [STOP, 2]
    model.generation_config.eos_token_id = None
    assert stop_token_ids(model, tokenizer) == [2]
    assert cut_at_stop([5, STOP, 7, 2], [2, STOP], keep_stop=True) == [5, STOP]
    assert cut_at_stop([5, STOP, 7, 2], [2, STOP], keep_stop=False) == [5]
    assert cut_at_stop([5, 6], [2, STOP], keep_stop=False) == [5, 6]


def test_grpo_rollouts_and_its_evaluation_stop_at_the_checkpoints_stop_token(model, tokenizer, prompt_ids, tmp_path):
    config = GRPOConfig(rewards=[RewardSpec(name="regex", params={"pattern": "e"})], group_size=2,
                        max_new_tokens=5, chunk_size=4)
    reference = chain_model(len(tokenizer), prompt_ids[-1]).requires_grad_(False)
    objective = GRPO(policy=model.train(), reference=reference, tokenizer=tokenizer, config=config, run_seed=0,
                     output_dir=tmp_path, events=MemorySink())
    batch = PromptSet([prompt_ids], [PROMPT], [None]).batch([0])

    _, extra = objective.loss(batch, 1)
    assert extra["rl/completion_length"] == 2.0, "B and the stop token, which is kept"

    training = TrainingConfig(batch_size=1, eval_batches=1, eval_samples=1)
    objective.evaluate(model, type("Data", (), {"validation_blocks": PromptSet([prompt_ids], [PROMPT], [None])}),
                       training)
    [sample] = json.loads((tmp_path / "samples" / "step-0.json").read_text())
    assert sample["completion"] == tokenizer.decode([B])


def test_seq_kd_teacher_answers_stop_at_the_checkpoints_stop_token(model, tokenizer):
    for temperature, samples in ((0.0, 1), (1.0, 2)):
        config = SequenceKDConfig(max_new_tokens=5, temperature=temperature, samples_per_prompt=samples)
        answers = generate_answers(model, tokenizer, [PROMPT, PROMPT], config, seed=0, cancel=threading.Event())
        assert answers == [[tokenizer.decode([B])] * samples] * 2


def test_evaluation_samples_stop_at_the_checkpoints_stop_token(model, tokenizer, prompt_ids):
    samples = generate_samples(model, tokenizer, [prompt_ids], max_new_tokens=5, block_size=32)
    assert samples[0]["completion"] == tokenizer.decode([B])


def test_the_playground_stops_at_the_checkpoints_stop_token(checkpoint, tokenizer, capsys):
    settings = {"max_new_tokens": 5, "temperature": 0.0, "top_p": 1.0, "seed": 0}
    generate.answer({"ref": "1", "model": {"path": str(checkpoint)}}, [PROMPT], settings)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    final = [record for record in records if record["done"]]
    assert len(final) == 1 and final[0]["text"] == tokenizer.decode([B])
    assert final[0]["tokens"] == 2, "B and the stop token were generated, nothing after"
