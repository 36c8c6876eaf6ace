"""Loading tokenizers and causal language models from a run spec, without ever downloading.

A model comes from a local save_pretrained directory, from the local Hugging Face cache (hub ids,
only when the spec allows it) or from a config dict (random weights drawn from the current torch
seed). Every failure names the path or id and says what to do.
"""

import hashlib
import json
from pathlib import Path

import torch
from huggingface_hub import snapshot_download
from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError, StrictDataclassError
from transformers import (AutoConfig, AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase,
                          TokenizersBackend)

from engine.errors import EngineError
from engine.facts import lora_targets_problem, module_pattern
from engine.spec import ModelSpec, RunSpec, TrainingConfig


def _model_directory(path: str, role: str) -> Path:
    directory = Path(path)
    if not directory.is_dir():
        raise EngineError(
            f"{role} model directory {directory} does not exist: give the path of a directory "
            "written by save_pretrained (config.json and weights), or build the model from "
            "scratch with {'config': {...}, 'tokenizer': ...}"
        )
    if not (directory / "config.json").is_file():
        raise EngineError(
            f"{role} model directory {directory} has no config.json: it must be a directory "
            "written by save_pretrained"
        )
    return directory


def _hub_snapshot(hub_id: str, role: str) -> str:
    """The local cache directory of a hub model; the engine never downloads."""
    try:
        return snapshot_download(hub_id, local_files_only=True)
    except (LocalEntryNotFoundError, HFValidationError) as error:
        raise EngineError(
            f"{role} {hub_id!r} is not in the local Hugging Face cache ({type(error).__name__}): "
            f"download it on a machine with internet access (huggingface-cli download {hub_id}) "
            "into the same HF_HOME, or give a local 'path'"
        ) from None


_GENERIC_TOKENIZER_CLASSES = {"TokenizersBackend", "PreTrainedTokenizerFast"}


def pretrained_tokenizer(directory: str | Path, **options) -> PreTrainedTokenizerBase:
    """AutoTokenizer.from_pretrained(directory), except that a tokenizer saved as a generic fast
    tokenizer (tokenizer_config.json's tokenizer_class TokenizersBackend or PreTrainedTokenizerFast,
    beside its tokenizer.json) loads as exactly that.

    transformers 5 ignores a declared class for some model types in the directory's config.json
    (qwen2, ...) and builds that family's tokenizer class from the vocabulary instead, which adds
    the family's special tokens (<|endoftext|>) to a tokenizer without them: the same tokenizer
    files would give another vocabulary beside a Qwen2 model than on their own.
    """
    directory = Path(directory)
    try:
        declared = json.loads((directory / "tokenizer_config.json").read_text()).get("tokenizer_class")
    except (OSError, ValueError, AttributeError):
        declared = None
    if declared in _GENERIC_TOKENIZER_CLASSES and (directory / "tokenizer.json").is_file():
        return TokenizersBackend.from_pretrained(directory, **options)
    return AutoTokenizer.from_pretrained(directory, **options)


def load_tokenizer(spec: RunSpec) -> PreTrainedTokenizerBase:
    """The run's tokenizer: spec.tokenizer, else the student's tokenizer, directory (a soup: its first
    ingredient's) or hub id."""
    student = spec.student
    if spec.tokenizer is not None or student.tokenizer is not None:
        location = spec.tokenizer if spec.tokenizer is not None else student.tokenizer
        role = "tokenizer"
    elif student.path is not None:
        location, role = student.path, "student model"
    elif student.soup is not None:
        location, role = student.soup[0], "student soup's first ingredient"
    else:
        location, role = _hub_snapshot(student.hub_id, "student"), "student model"
    if not Path(location).is_dir():
        raise EngineError(
            f"{role} directory {location} does not exist: give a tokenizer directory written by "
            "save_pretrained (python -m engine demo-data writes one)"
        )
    try:
        return pretrained_tokenizer(location)
    except (OSError, ValueError) as error:
        raise EngineError(f"cannot load a tokenizer from {location}: {error}") from None


_NARROW_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16}


def source_dtype(model: ModelSpec, *, role: str) -> torch.dtype:
    """The dtype the model's weights are stored in (its config.json's dtype; a soup: its first
    ingredient's; a model built from a config dict: float32). Training runs in float32 whatever it
    is; the checkpoints and the final model are written back in this dtype."""
    if model.config is not None:
        return torch.float32
    location = model.path or (model.soup[0] if model.soup else _hub_snapshot(model.hub_id, role))
    config_file = Path(location) / "config.json"
    if not config_file.is_file():
        return torch.float32
    config = json.loads(config_file.read_text())
    return _NARROW_DTYPES.get(config.get("dtype") or config.get("torch_dtype"), torch.float32)


def tokenizer_fingerprint(tokenizer: PreTrainedTokenizerBase) -> str:
    """A SHA-256 digest of the tokenizer's vocabulary, every token with its id (added tokens included).

    Two tokenizers are the same for token-level distillation exactly when their fingerprints are
    (engine.facts.teacher_tokenizer_problem): inspection records it (engine.inspect_model) for
    RunSpec validation, and the engine measures it at run start (engine.core.model_checks).
    Embedding sizes do not enter it: checkpoints pad those differently.
    """
    vocabulary = json.dumps(sorted(tokenizer.get_vocab().items()), ensure_ascii=False)
    return hashlib.sha256(vocabulary.encode()).hexdigest()


def load_causal_lm(model: ModelSpec, *, role: str, vocab_size: int) -> PreTrainedModel:
    """Build or load a causal LM in float32.

    `vocab_size` is the tokenizer's size: a config without one gets it, and a model whose
    embedding is smaller than the tokenizer is refused.
    """
    if model.path is not None or model.hub_id is not None:
        location = model.path if model.path is not None else _hub_snapshot(model.hub_id, role)
        lm = AutoModelForCausalLM.from_pretrained(_model_directory(location, role), dtype=torch.float32)
    elif model.soup is not None:
        lm = load_soup(model.soup, role=role)
    else:
        fields = dict(model.config)
        model_type = fields.pop("model_type")
        fields.setdefault("vocab_size", vocab_size)
        try:
            config = AutoConfig.for_model(model_type, **fields)
        except (ValueError, StrictDataclassError) as error:  # transformers 5 validates configs as strict dataclasses
            problem = " ".join(str(error).split())
            raise EngineError(f"{role} config: {problem} (correct the {role}'s 'config')") from None
        lm = AutoModelForCausalLM.from_config(config, dtype=torch.float32)

    embedding_rows = lm.get_input_embeddings().weight.shape[0]
    if embedding_rows < vocab_size:
        raise EngineError(
            f"the {role} has {embedding_rows} token embeddings but the tokenizer has {vocab_size} "
            f"tokens: use the tokenizer the {role} was trained with, or set vocab_size >= "
            f"{vocab_size} in its config"
        )
    return lm


@torch.no_grad()
def load_soup(paths: list[str], *, role: str) -> PreTrainedModel:
    """The uniform weight average of the models in `paths` (a "model soup"), in float32.

    Models are loaded one at a time and added into a running sum, so memory holds two models
    whatever the number of ingredients. Every ingredient must have the first one's architecture
    and parameter shapes; buffers that are not floating point (position ids) are taken from the
    first model.
    """
    soup = AutoModelForCausalLM.from_pretrained(_model_directory(paths[0], f"{role} soup ingredient 1"),
                                                dtype=torch.float32)
    total = {name: tensor.double() for name, tensor in soup.state_dict().items() if tensor.is_floating_point()}
    for number, path in enumerate(paths[1:], start=2):
        ingredient = AutoModelForCausalLM.from_pretrained(
            _model_directory(path, f"{role} soup ingredient {number}"), dtype=torch.float32
        )
        if type(ingredient) is not type(soup):
            raise EngineError(
                f"{role} soup ingredient {number} ({path}) is a {type(ingredient).__name__} but ingredient 1 "
                f"({paths[0]}) is a {type(soup).__name__}: a soup averages models of one architecture"
            )
        state = ingredient.state_dict()
        for name, tensor in total.items():
            if name not in state or state[name].shape != tensor.shape:
                raise EngineError(
                    f"{role} soup ingredient {number} ({path}) has no parameter {name} of shape "
                    f"{tuple(tensor.shape)} like ingredient 1 ({paths[0]}): a soup averages models "
                    "of the same architecture and size"
                )
            tensor += state[name].double()
        del ingredient, state
    soup.load_state_dict({name: (tensor / len(paths)).float() for name, tensor in total.items()}, strict=False)
    return soup


def load_student(spec: RunSpec, tokenizer: PreTrainedTokenizerBase, training: TrainingConfig) -> torch.nn.Module:
    """The student ready to train: from the spec or the checkpoint, with LoRA adapters and
    gradient checkpointing when the training config asks for them.

    A full-weight run resumes from the checkpoint's weights. A LoRA run's checkpoints hold only the
    adapters, so it rebuilds the student from the spec (a config-built student gets the same
    weights again from the run's seed) and loads the adapters on top.
    """
    resuming_adapters = spec.resume_from is not None and (Path(spec.resume_from) / "adapter_config.json").is_file()
    if spec.resume_from is not None and resuming_adapters != bool(training.lora_rank):
        raise EngineError(
            f"resume_from {spec.resume_from} holds {'LoRA adapters' if resuming_adapters else 'full weights'} "
            f"but training.lora_rank is {training.lora_rank}: resume with the lora_rank of the run that wrote it"
        )
    if spec.resume_from is not None and not resuming_adapters:
        student = load_causal_lm(ModelSpec(path=spec.resume_from), role="checkpoint", vocab_size=len(tokenizer))
    else:
        student = load_causal_lm(spec.student, role="student", vocab_size=len(tokenizer))
    if training.gradient_checkpointing:
        student.config.use_cache = False
        student.activation_checkpointing_enable({"use_reentrant": False})
    if not training.lora_rank:
        return student

    from peft import LoraConfig, PeftModel, get_peft_model

    if resuming_adapters:
        return PeftModel.from_pretrained(student, spec.resume_from, is_trainable=True)
    # The rule RunSpec validation applies with the student's recorded facts (engine.facts), on the model itself.
    problem = lora_targets_problem(training.lora_target_modules, linear_module_patterns(student))
    if problem is not None:
        raise EngineError(f"config.training.lora_target_modules: {problem}")
    try:
        return get_peft_model(student, LoraConfig(
            r=training.lora_rank, lora_alpha=training.lora_alpha, lora_dropout=training.lora_dropout,
            target_modules=training.lora_target_modules, task_type="CAUSAL_LM",
        ))
    except ValueError as error:
        raise EngineError(f"cannot put LoRA adapters on the student: {error}") from None


def linear_module_patterns(model: torch.nn.Module) -> list[str]:
    """The causal LM's layers that LoRA can adapt (nn.Linear, and transformers' Conv1D of GPT-2),
    as module paths with layer numbers written '*' (engine.facts.module_pattern), in model order;
    the output layer is left out (the chunked losses need it plain)."""
    from transformers.pytorch_utils import Conv1D

    lm = causal_lm_of(model)
    head = lm.get_output_embeddings()
    patterns = [module_pattern(name) for name, module in lm.named_modules()
                if isinstance(module, (torch.nn.Linear, Conv1D)) and module is not head]
    return list(dict.fromkeys(patterns))


def merged_for_saving(model: torch.nn.Module) -> PreTrainedModel:
    """The plain transformers model to save at the end: LoRA adapters merged into the weights."""
    return model.merge_and_unload() if hasattr(model, "merge_and_unload") else model


def causal_lm_of(model: torch.nn.Module) -> PreTrainedModel:
    """The transformers causal LM inside a model that may be wrapped by PEFT."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


# Where the decoder trunk (embeddings, blocks, final norm) sits inside a *ForCausalLM, by
# convention: Llama, Qwen, Mistral, Gemma 1-3, Phi-3 and OLMo 2 call it `model`, GPT-2 `transformer`,
# GPT-NeoX `gpt_neox`. `base_model` alone is not enough: Gemma3ForCausalLM's base_model_prefix
# ("language_model") names no attribute, so its base_model is the whole model, logits included.
_TRUNK_ATTRIBUTES = ("model", "transformer", "gpt_neox")


def decoder_trunk(model: torch.nn.Module) -> torch.nn.Module:
    """The module of a causal LM (possibly PEFT-wrapped) that maps input ids to the final hidden
    states (after the final norm), without the output layer."""
    lm = causal_lm_of(model)
    candidates = [lm.base_model, *(getattr(lm, name, None) for name in _TRUNK_ATTRIBUTES)]
    for trunk in candidates:
        if isinstance(trunk, PreTrainedModel) and trunk is not lm and trunk.get_output_embeddings() is None:
            return trunk
    raise EngineError(
        f"cannot find the decoder trunk of {type(lm).__name__} (no base_model or model/transformer/gpt_neox "
        "submodule without an output layer): the engine computes losses from the final hidden states, so "
        "use a decoder-only architecture it supports (Llama, Qwen2/3, Mistral, Gemma 1-3, Phi-3, OLMo 2, "
        "GPT-2, GPT-NeoX)"
    )


class SoftCappedLinear(torch.nn.Module):
    """An output layer followed by final-logit soft-capping, logits = c * tanh(z / c) (Gemma 2 and 3)."""

    def __init__(self, linear: torch.nn.Linear, softcap: float):
        super().__init__()
        self.linear, self.softcap = linear, softcap

    @property
    def weight(self) -> torch.Tensor:
        return self.linear.weight

    @property
    def bias(self) -> torch.Tensor | None:
        return self.linear.bias

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return soft_cap(self.linear(hidden), self.softcap)


def soft_cap(logits: torch.Tensor, softcap: float | None) -> torch.Tensor:
    """c * tanh(logits / c), or the logits themselves when c is None."""
    return logits if softcap is None else torch.tanh(logits / softcap) * softcap


def logit_softcap(model: torch.nn.Module) -> float | None:
    """The model's final-logit soft-cap c (config.final_logit_softcapping), None when it has none."""
    softcap = getattr(causal_lm_of(model).config, "final_logit_softcapping", None)
    return float(softcap) if softcap else None


def output_layer(model: torch.nn.Module) -> torch.nn.Module:
    """The module that maps final hidden states to the logits the model's forward returns: its output
    projection (an nn.Linear), soft-capped for the architectures that soft-cap their logits."""
    lm = causal_lm_of(model)
    head = lm.get_output_embeddings()
    if not isinstance(head, torch.nn.Linear):
        raise EngineError(
            f"the output layer of {type(lm).__name__} is {type(head).__name__}, not a linear projection "
            "of the final hidden states: the engine's chunked losses need one (do not put LoRA adapters "
            "on the output layer)"
        )
    softcap = logit_softcap(lm)
    return head if softcap is None else SoftCappedLinear(head, softcap)


def final_hidden_states(model: torch.nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """(B, L, d) hidden states after the final norm, the output layer's input (no logits computed)."""
    trunk = decoder_trunk(model)
    return trunk(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state


@torch.no_grad()
def check_output_layer_gives_logits(model: torch.nn.Module, role: str) -> None:
    """Refuse a model whose logits are more than its output layer applied to the final hidden states.

    Chunked losses compute logits as output_layer(model)(final_hidden_states) (soft-capped where the
    config says so); an architecture that rescales its logits in another way would be trained on
    the wrong distribution, so compare both ways on a few tokens first.
    """
    parameter = next(model.parameters())
    input_ids = torch.arange(min(8, model.get_output_embeddings().weight.shape[0]), device=parameter.device)[None]
    attention_mask = torch.ones_like(input_ids)
    was_training = model.training
    model.eval()
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
    recomputed = output_layer(model)(final_hidden_states(model, input_ids, attention_mask))
    model.train(was_training)
    if not torch.allclose(logits.float(), recomputed.float(), rtol=1e-3, atol=1e-3, equal_nan=True):
        raise EngineError(
            f"the {role}'s logits are not its output layer applied to its last hidden states (the "
            f"architecture {type(causal_lm_of(model)).__name__} transforms them further), which the "
            "memory-efficient losses cannot reproduce: choose another architecture"
        )


def load_teacher(spec: RunSpec, tokenizer: PreTrainedTokenizerBase, dtype: torch.dtype) -> PreTrainedModel:
    """The frozen teacher in eval mode in its inference dtype (its tokenizer is checked against the
    run's by engine.core.model_checks.check_run_models)."""
    assert spec.teacher is not None, "the run spec validator requires a teacher for this method"
    teacher = load_causal_lm(spec.teacher, role="teacher", vocab_size=len(tokenizer))
    teacher.eval()
    teacher.requires_grad_(False)
    return teacher.to(dtype)
