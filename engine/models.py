"""Loading tokenizers and causal language models from a run spec, without ever downloading.

A model comes from a local save_pretrained directory, from the local Hugging Face cache (hub ids,
only when the spec allows it) or from a config dict (random weights drawn from the current torch
seed). Every failure names the path or id and says what to do.
"""

from pathlib import Path

import torch
from huggingface_hub import snapshot_download
from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from engine.config import ModelSpec, RunSpec
from engine.errors import EngineError


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


def load_tokenizer(spec: RunSpec) -> PreTrainedTokenizerBase:
    """The run's tokenizer: spec.tokenizer, else the student's tokenizer, directory or hub id."""
    student = spec.student
    if spec.tokenizer is not None or student.tokenizer is not None:
        location = spec.tokenizer if spec.tokenizer is not None else student.tokenizer
        role = "tokenizer"
    elif student.path is not None:
        location, role = student.path, "student model"
    else:
        location, role = _hub_snapshot(student.hub_id, "student"), "student model"
    if not Path(location).is_dir():
        raise EngineError(
            f"{role} directory {location} does not exist: give a tokenizer directory written by "
            "save_pretrained (python -m engine demo-data writes one)"
        )
    try:
        return AutoTokenizer.from_pretrained(location)
    except (OSError, ValueError) as error:
        raise EngineError(f"cannot load a tokenizer from {location}: {error}") from None


def load_causal_lm(model: ModelSpec, *, role: str, vocab_size: int) -> PreTrainedModel:
    """Build or load a causal LM in float32.

    `vocab_size` is the tokenizer's size: a config without one gets it, and a model whose
    embedding is smaller than the tokenizer is refused.
    """
    if model.path is not None or model.hub_id is not None:
        location = model.path if model.path is not None else _hub_snapshot(model.hub_id, role)
        lm = AutoModelForCausalLM.from_pretrained(_model_directory(location, role), dtype=torch.float32)
    else:
        fields = dict(model.config)
        model_type = fields.pop("model_type")
        fields.setdefault("vocab_size", vocab_size)
        try:
            config = AutoConfig.for_model(model_type, **fields)
        except ValueError as error:
            raise EngineError(f"{role} config: {error}") from None
        lm = AutoModelForCausalLM.from_config(config, dtype=torch.float32)

    embedding_rows = lm.get_input_embeddings().weight.shape[0]
    if embedding_rows < vocab_size:
        raise EngineError(
            f"the {role} has {embedding_rows} token embeddings but the tokenizer has {vocab_size} "
            f"tokens: use the tokenizer the {role} was trained with, or set vocab_size >= "
            f"{vocab_size} in its config"
        )
    return lm


def check_same_vocabulary(teacher: PreTrainedModel, student: PreTrainedModel) -> None:
    """Logit distillation compares distributions over the same token ids: refuse anything else."""
    teacher_size = teacher.get_output_embeddings().weight.shape[0]
    student_size = student.get_output_embeddings().weight.shape[0]
    if teacher_size != student_size:
        raise EngineError(
            f"teacher vocabulary size ({teacher_size}) differs from the student's "
            f"({student_size}): token-level distillation compares the two models' next-token "
            "distributions id by id, so both must use the same tokenizer and vocab_size"
        )


def check_block_size(model: PreTrainedModel, block_size: int, role: str) -> None:
    """Refuse sequences longer than the model's position table."""
    max_positions = getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None)
    if max_positions is not None and block_size > max_positions:
        raise EngineError(
            f"block_size {block_size} exceeds the {role}'s max_position_embeddings "
            f"({max_positions}): lower training.block_size"
        )


def load_student(spec: RunSpec, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    """The student as the spec describes it, or with the checkpoint's weights when resuming."""
    if spec.resume_from is not None:
        return load_causal_lm(ModelSpec(path=spec.resume_from), role="checkpoint", vocab_size=len(tokenizer))
    return load_causal_lm(spec.student, role="student", vocab_size=len(tokenizer))


def load_teacher(spec: RunSpec, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    """The frozen teacher in eval mode, checked to speak the run's tokenizer."""
    assert spec.teacher is not None, "the run spec validator requires a teacher for this method"
    teacher = load_causal_lm(spec.teacher, role="teacher", vocab_size=len(tokenizer))
    if spec.teacher.path is not None and (Path(spec.teacher.path) / "tokenizer_config.json").is_file():
        teacher_vocab = AutoTokenizer.from_pretrained(spec.teacher.path).get_vocab()
        if teacher_vocab != tokenizer.get_vocab():
            raise EngineError(
                f"the teacher's tokenizer ({spec.teacher.path}) differs from the run's tokenizer "
                f"({tokenizer.name_or_path}): token-level distillation needs both models to use "
                "the same tokenizer"
            )
    teacher.eval()
    teacher.requires_grad_(False)
    return teacher
