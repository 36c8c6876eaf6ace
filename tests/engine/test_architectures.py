"""Real decoder families, tiny and random: the engine finds each one's trunk and output layer, its
logits (soft-capped where the config says so) are the ones the chunked losses and log-prob paths
use, and a Gemma 3 text model trains end to end."""

from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from engine.core.losses import IGNORE_INDEX
from engine.core.token_logprobs import output_weight_and_bias, token_log_probs
from engine.errors import EngineError
from engine.methods.distillation.chunked import chunked_distillation_loss
from engine.methods.distillation.losses import DistillationSettings, forward_kl
from engine.models import decoder_trunk, final_hidden_states, logit_softcap, output_layer
from tests.engine.families import TINY_FAMILIES
from tests.engine.helpers import run_in_process, tiny_spec

VOCAB = 1024


def _tiny_model(family: str, directory: Path, seed: int = 0) -> torch.nn.Module:
    """A random tiny model of `family`, saved with save_pretrained and loaded back in float64."""
    fields = dict(TINY_FAMILIES[family])
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), vocab_size=VOCAB, **fields))
    model.save_pretrained(directory)
    return AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float64).eval()


def _scale_logits_to(model: torch.nn.Module, input_ids: torch.Tensor, magnitude: float) -> None:
    """Scale the output weights so that the raw (uncapped) logits reach +-magnitude."""
    with torch.no_grad():
        hidden = final_hidden_states(model, input_ids, torch.ones_like(input_ids))
        weight = model.get_output_embeddings().weight
        weight *= magnitude / (hidden @ weight.T).abs().max()


def _inputs(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    input_ids = torch.randint(0, VOCAB, (2, 12), generator=generator)
    labels = torch.randint(0, VOCAB, (2, 12), generator=generator)
    labels[0, :3] = IGNORE_INDEX
    return input_ids, labels


@pytest.mark.parametrize("family", sorted(TINY_FAMILIES))
def test_every_family_gives_final_hidden_states_and_an_output_layer_that_make_its_logits(family, tmp_path):
    model = _tiny_model(family, tmp_path)
    input_ids, _ = _inputs(0)
    mask = torch.ones_like(input_ids)
    with torch.no_grad():
        expected = model(input_ids=input_ids, attention_mask=mask).logits
        hidden = final_hidden_states(model, input_ids, mask)
        weight, bias = output_weight_and_bias(model)
        raw = hidden @ weight.T + (bias if bias is not None else 0)
        softcap = logit_softcap(model)
        recomputed = raw if softcap is None else softcap * torch.tanh(raw / softcap)
    assert decoder_trunk(model) is not model
    torch.testing.assert_close(recomputed, expected, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(output_layer(model)(hidden), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("family", ["llama", "gemma3_text", "gpt2"])
def test_a_peft_wrapped_model_has_the_same_trunk_and_output_layer(family, tmp_path):
    from peft import LoraConfig, get_peft_model

    model = _tiny_model(family, tmp_path)
    targets = ["c_attn"] if family == "gpt2" else ["q_proj", "v_proj"]
    wrapped = get_peft_model(model, LoraConfig(r=2, target_modules=targets))
    input_ids, _ = _inputs(1)
    mask = torch.ones_like(input_ids)
    with torch.no_grad():
        logits = output_layer(wrapped)(final_hidden_states(wrapped, input_ids, mask))
        torch.testing.assert_close(logits, wrapped(input_ids=input_ids, attention_mask=mask).logits)


def test_a_model_without_a_decoder_trunk_is_refused_with_its_class_name():
    class Opaque(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.config = AutoConfig.for_model("llama")
            self.base_model = self

    with pytest.raises(EngineError, match="decoder trunk of Opaque"):
        decoder_trunk(Opaque())


def _kit_config(kit: dict[str, Any], family: str) -> dict[str, Any]:
    return {**TINY_FAMILIES[family], "vocab_size": kit["tiny_config"]["vocab_size"]}


def _save(config: dict[str, Any], directory: Path, seed: int) -> str:
    fields = dict(config)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(fields.pop("model_type"), **fields))
    model.save_pretrained(directory)
    return str(directory)


def test_a_gemma3_student_distils_from_a_gemma3_teacher(kit, tmp_path):
    teacher = _save(_kit_config(kit, "gemma3_text"), tmp_path / "teacher", seed=1)
    spec = tiny_spec(kit, tmp_path / "run", method="kd_forward_kl", teacher=teacher, max_steps=2, eval_every=2,
                     checkpoint_every=2, warmup_steps=1, block_size=16)
    spec["student"]["config"] = _kit_config(kit, "gemma3_text")

    result, events = run_in_process(spec)

    assert result.status == "finished"
    losses = [e["values"]["train/loss"] for e in events.of_kind("metric") if "train/loss" in e["values"]]
    assert len(losses) == 2 and all(torch.isfinite(torch.tensor(losses)))


def test_a_gemma3_student_trains_with_lm_train_and_is_evaluated(kit, tmp_path):
    spec = tiny_spec(kit, tmp_path / "run", max_steps=2, eval_every=2, checkpoint_every=2, warmup_steps=1,
                     block_size=16)
    spec["student"]["config"] = _kit_config(kit, "gemma3_text")

    result, events = run_in_process(spec)

    assert result.status == "finished"
    assert any("eval/loss" in e["values"] for e in events.of_kind("metric"))


# --- Final-logit soft-capping at realistic logit magnitudes -------------------------------------


@pytest.mark.parametrize("family", ["gemma2", "gemma3_text"])
@pytest.mark.parametrize("frozen_head", [False, True])
def test_token_log_probs_of_a_soft_capped_model_equal_the_float64_reference_in_value_and_gradient(
        family, frozen_head, tmp_path):
    model = _tiny_model(family, tmp_path)
    input_ids, labels = _inputs(2)
    mask = torch.ones_like(input_ids)
    _scale_logits_to(model, input_ids, 100.0)
    weight, bias = output_weight_and_bias(model)
    weight.requires_grad_(not frozen_head)
    assert logit_softcap(model) == 30.0 if family == "gemma3_text" else logit_softcap(model) is not None

    hidden = final_hidden_states(model, input_ids, mask).detach().requires_grad_()
    got = token_log_probs(hidden, weight, bias, labels, chunk_size=5, softcap=logit_softcap(model))
    reference_hidden = hidden.detach().clone().requires_grad_()
    reference_weight = weight.detach().clone().requires_grad_(not frozen_head)
    # The reference recomputes the model's logits (checked against model(...).logits below).
    logits = reference_hidden @ reference_weight.T
    logits = model.config.final_logit_softcapping * torch.tanh(logits / model.config.final_logit_softcapping)
    with torch.no_grad():
        assert logits.abs().max() > 25 and (logits - model(input_ids=input_ids).logits).abs().max() < 1e-9
    real = labels != IGNORE_INDEX
    expected = torch.log_softmax(logits, -1).gather(-1, labels.clamp(min=0)[..., None]).squeeze(-1) * real

    # token_log_probs takes its softmax in float32 (as it does in training): float32 tolerances.
    torch.testing.assert_close(got.double(), expected, rtol=1e-6, atol=1e-6)
    upstream = torch.randn(labels.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    (got.double() * upstream).sum().backward()
    (expected * upstream).sum().backward()
    torch.testing.assert_close(hidden.grad, reference_hidden.grad, rtol=1e-5, atol=2e-6)
    if not frozen_head:
        torch.testing.assert_close(weight.grad, reference_weight.grad, rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("family", ["gemma2", "gemma3_text"])
def test_the_chunked_loss_of_soft_capped_models_equals_the_float64_reference_in_value_and_gradient(family, tmp_path):
    student = _tiny_model(family, tmp_path / "student", seed=0)
    teacher = _tiny_model(family, tmp_path / "teacher", seed=1)
    input_ids, labels = _inputs(4)
    mask = torch.ones_like(input_ids)
    for model in (student, teacher):
        _scale_logits_to(model, input_ids, 100.0)
    settings = DistillationSettings(divergence=forward_kl, alpha=0.3, temperature=2.0, temperature_squared=True)

    hidden = final_hidden_states(student, input_ids, mask).detach().requires_grad_()
    with torch.no_grad():
        teacher_hidden = final_hidden_states(teacher, input_ids, mask)
    got = chunked_distillation_loss(hidden, output_layer(student), teacher_hidden, output_layer(teacher), labels,
                                    settings, chunk_size=5)
    got.loss.backward()
    got_weight_grad = student.get_output_embeddings().weight.grad.clone()
    student.zero_grad()

    reference_hidden = hidden.detach().clone().requires_grad_()
    student_logits = student.lm_head(reference_hidden)
    cap = student.config.final_logit_softcapping
    student_logits = cap * torch.tanh(student_logits / cap)
    with torch.no_grad():
        teacher_logits = teacher(input_ids=input_ids).logits
        assert student_logits.abs().max() > 25
        torch.testing.assert_close(student_logits, student(input_ids=input_ids).logits)
    real = labels != IGNORE_INDEX
    log_q = torch.log_softmax(student_logits[real], -1)
    ce = -log_q.gather(-1, labels[real][:, None]).sum()
    log_p_t = torch.log_softmax(teacher_logits[real] / 2.0, -1)
    log_q_t = torch.log_softmax(student_logits[real] / 2.0, -1)
    kl = (log_p_t.exp() * (log_p_t - log_q_t)).sum()
    expected = (0.3 * ce + 0.7 * 4.0 * kl) / real.sum()
    expected.backward()

    torch.testing.assert_close(got.loss.double(), expected, rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(hidden.grad, reference_hidden.grad, rtol=1e-6, atol=1e-9)
    torch.testing.assert_close(got_weight_grad, student.get_output_embeddings().weight.grad, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("fields,message", [
    ({"hidden_size": 30, "num_attention_heads": 4}, r"hidden size \(30\) is not a multiple of the number of attention"),
    ({"hidden_size": "wide"}, "hidden_size"),
    ({"model_type": "no-such-family"}, "no-such-family"),
])
def test_a_config_that_transformers_refuses_is_an_engine_error_naming_the_model(fields, message):
    """transformers 5 validates configs as strict dataclasses (its own exception types, not ValueError)."""
    from engine.models import load_causal_lm
    from engine.spec import ModelSpec

    spec = ModelSpec(config={"model_type": "llama", **fields}, tokenizer="/tmp/tokenizer")
    with pytest.raises(EngineError, match=rf"^student config: .*{message}"):
        load_causal_lm(spec, role="student", vocab_size=64)


@pytest.mark.parametrize("family", ["qwen2", "llama"])
def test_a_tokenizer_saved_beside_a_model_loads_with_the_vocabulary_it_was_saved_with(kit, family, tmp_path):
    """transformers 5's AutoTokenizer builds Qwen2Tokenizer for a qwen2 directory whatever class the
    tokenizer was saved as, adding <|endoftext|> to a vocabulary without it."""
    from transformers import AutoTokenizer

    from engine.models import pretrained_tokenizer, tokenizer_fingerprint

    tokenizer = AutoTokenizer.from_pretrained(kit["tokenizer"]["path"])
    directory = Path(_save(_kit_config(kit, family), tmp_path / family, seed=0))
    tokenizer.save_pretrained(directory)

    loaded = pretrained_tokenizer(directory)
    assert len(loaded) == len(tokenizer)
    assert tokenizer_fingerprint(loaded) == tokenizer_fingerprint(tokenizer)
    assert loaded("a b")["input_ids"] == tokenizer("a b")["input_ids"]
