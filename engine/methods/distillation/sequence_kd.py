"""seq_kd: sequence-level knowledge distillation (Kim & Rush, EMNLP 2016, arXiv:1606.07947).

Two phases. First the frozen teacher answers every training prompt with its own tokenizer and
chat template (greedy by default: Kim & Rush distil the teacher's mode, found there by beam
search), and the answers are written as text to OUTPUT_DIR/teacher_outputs.jsonl. Then the
student trains with the ordinary next-token cross-entropy on those answers (the loss and the
reduction of lm_train: mean over the answer tokens of the step), evaluated on the dataset's own
validation data. Only text passes between the models, so their vocabularies and architectures may
differ.

Prompts by data kind: a prompt-completion row's prompt; a chat row's conversation before its last
assistant turn, whose content the teacher rewrites (earlier assistant turns are kept as the data
has them, and are trained on as usual for chat data); a text row's first text_prompt_tokens teacher
tokens, which the teacher continues.

The outputs are reused when the run is resumed (or started again in the same directory) with the
same training data, teacher and generation settings, recorded in teacher_outputs.json.
"""

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import torch
from transformers import GenerationConfig, PreTrainedModel, PreTrainedTokenizerBase

from engine.core.bos import leading_special_ids
from engine.core.data import Dataset, read_jsonl, sample_prompts, tokenize_dataset
from engine.core.model_checks import check_run_models
from engine.core.stops import cut_at_stop, generate_exactly, stop_token_ids
from engine.core.objective import RunData, RunResult
from engine.core.training import Trainer, default_device, inference_dtype, seed_everything
from engine.errors import EngineError
from engine.events import EventSink
from engine.methods.distillation.config import SequenceKDConfig
from engine.methods.lm.recipe import LanguageModelling
from engine.facts import chat_template_problem
from engine.models import load_causal_lm, load_student, load_tokenizer, pretrained_tokenizer
from engine.spec import RunSpec

OUTPUTS = "teacher_outputs.jsonl"
OUTPUTS_META = "teacher_outputs.json"


def teacher_tokenizer(spec: RunSpec, run_tokenizer: PreTrainedTokenizerBase) -> PreTrainedTokenizerBase:
    """The teacher's own tokenizer: in its directory, or its spec's tokenizer, else the run's."""
    teacher = spec.teacher
    assert teacher is not None
    location = None
    if teacher.path is not None and (Path(teacher.path) / "tokenizer_config.json").is_file():
        location = teacher.path
    elif teacher.tokenizer is not None:
        location = teacher.tokenizer
    if location is None:
        return run_tokenizer
    try:
        return pretrained_tokenizer(location)
    except (OSError, ValueError) as error:
        raise EngineError(f"cannot load the teacher's tokenizer from {location}: {error}") from None


def _prompt_of(kind: str, row: Any, tokenizer: PreTrainedTokenizerBase, text_prompt_tokens: int) -> str:
    if kind == "prompt-completion":
        return row["prompt"]
    if kind == "text":
        ids = tokenizer(row, add_special_tokens=False)["input_ids"][:text_prompt_tokens]
        return tokenizer.decode(ids)
    last_answer = max((i for i, message in enumerate(row) if message["role"] == "assistant"), default=len(row))
    problem = chat_template_problem(bool(tokenizer.chat_template), "the teacher's tokenizer")
    if problem is not None:
        raise EngineError(f"teacher: {problem}")
    return tokenizer.apply_chat_template(row[:last_answer], tokenize=False, add_generation_prompt=True)


def _row_with_answer(kind: str, row: Any, prompt: str, answer: str) -> Any:
    if kind == "chat":
        last_answer = max((i for i, message in enumerate(row) if message["role"] == "assistant"), default=len(row))
        return row[:last_answer] + [{"role": "assistant", "content": answer}]
    return {"prompt": prompt, "completion": answer}


@torch.no_grad()
def generate_answers(
    teacher: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompts: list[str], config: SequenceKDConfig,
    seed: int, cancel: threading.Event, *, chat: bool = False,
) -> list[list[str]] | None:
    """config.samples_per_prompt teacher answers per prompt (None if cancelled meanwhile).

    Plain prompts start with the teacher tokenizer's leading special tokens (its BOS, if it adds
    one); chat prompts (chat=True) are chat-template renderings, which carry their own."""
    device = next(teacher.parameters()).device
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    if pad_id is None:
        raise EngineError(f"the teacher's tokenizer ({tokenizer.name_or_path}) has neither a pad nor an eos token")
    max_prompt = max(1, getattr(teacher.config, "max_position_embeddings", 1 << 30) - config.max_new_tokens)
    stop_ids = stop_token_ids(teacher, tokenizer)  # a chat teacher's end of turn as well as the EOS
    prefix = [] if chat else leading_special_ids(tokenizer)
    max_prompt = max(1, max_prompt - len(prefix))
    answers: list[list[str]] = []
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        for start in range(0, len(prompts), config.generation_batch_size):
            if cancel.is_set():
                return None
            encoded = [prefix + (tokenizer(p, add_special_tokens=False)["input_ids"][-max_prompt:] or
                                 ([] if prefix else [pad_id]))
                       for p in prompts[start:start + config.generation_batch_size]]
            width = max(len(ids) for ids in encoded)
            # Left padding: every prompt ends where generation starts.
            input_ids = torch.tensor([[pad_id] * (width - len(ids)) + ids for ids in encoded], device=device)
            attention_mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in encoded], device=device)
            sampling = {"do_sample": True, "temperature": config.temperature, "top_p": config.top_p, "top_k": 0} \
                if config.temperature > 0 else {"do_sample": False}
            # Exactly these settings: not the teacher checkpoint's own generation defaults (top_k,
            # repetition penalties...), which would distil another distribution than configured.
            generation = GenerationConfig(max_new_tokens=config.max_new_tokens, pad_token_id=pad_id,
                                          eos_token_id=stop_ids or None,
                                          num_return_sequences=config.samples_per_prompt, **sampling)
            output = generate_exactly(teacher, generation, input_ids=input_ids, attention_mask=attention_mask)
            texts = tokenizer.batch_decode([cut_at_stop(tokens, stop_ids, keep_stop=False)
                                            for tokens in output[:, width:].tolist()], skip_special_tokens=True)
            for index in range(len(encoded)):
                answers.append(texts[index * config.samples_per_prompt:(index + 1) * config.samples_per_prompt])
    return answers


def _fingerprint(spec: RunSpec, config: SequenceKDConfig) -> dict[str, Any]:
    train_path = Path(spec.train_data.path)
    digest = hashlib.sha256(train_path.read_bytes()).hexdigest()
    return {
        "train_data_sha256": digest,
        "teacher": spec.teacher.model_dump(exclude={"facts"}),  # where the teacher is, not what is known of it
        "seed": spec.seed,
        "generation": config.model_dump(exclude={"training", "generation_batch_size"}),
    }


def teacher_dataset(spec: RunSpec, config: SequenceKDConfig, run_tokenizer: PreTrainedTokenizerBase,
                    events: EventSink, cancel: threading.Event) -> Dataset | None:
    """The training rows with the teacher's answers, generated now or read back from an earlier attempt."""
    output_dir = Path(spec.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    source = read_jsonl(spec.train_data.path, role="training data")
    kind = "chat" if source.kind == "chat" else "prompt-completion"
    fingerprint = _fingerprint(spec, config)
    outputs, meta = output_dir / OUTPUTS, output_dir / OUTPUTS_META
    if outputs.is_file() and meta.is_file() and json.loads(meta.read_text()) == fingerprint:
        rows = [json.loads(line) for line in outputs.read_text(encoding="utf-8").splitlines()]
        events.log("info", f"reusing the teacher's {len(rows)} answers in {outputs}")
        return Dataset(kind, [row["messages"] if kind == "chat" else row for row in rows], outputs)

    tokenizer = teacher_tokenizer(spec, run_tokenizer)
    teacher = load_causal_lm(spec.teacher, role="teacher", vocab_size=len(tokenizer))
    teacher.eval()
    teacher.requires_grad_(False)
    teacher = teacher.to(inference_dtype(config.training)).to(default_device())
    prompts = [_prompt_of(source.kind, row, tokenizer, config.text_prompt_tokens) for row in source.rows]
    events.log("info", f"the teacher answers {len(prompts)} prompts ({config.samples_per_prompt} each, "
                       f"up to {config.max_new_tokens} new tokens, temperature {config.temperature})")
    started = time.monotonic()
    answers = generate_answers(teacher, tokenizer, prompts, config, spec.seed, cancel, chat=source.kind == "chat")
    del teacher
    if answers is None:
        return None
    seconds = time.monotonic() - started
    rows = [_row_with_answer(source.kind, row, prompt, answer)
            for row, prompt, sampled in zip(source.rows, prompts, answers) for answer in sampled]
    generated_tokens = sum(len(tokenizer(a, add_special_tokens=False)["input_ids"]) for s in answers for a in s)
    events.metric(0, {"kd/teacher_generated_tokens": generated_tokens,
                      "kd/teacher_tokens_per_s": generated_tokens / max(seconds, 1e-9)})
    partial_path = output_dir / (OUTPUTS + ".partial")
    with partial_path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps({"messages": row} if kind == "chat" else row, ensure_ascii=False) + "\n")
    # The settings file goes first and comes back last, so outputs are never paired with the
    # settings of another generation, even if the run dies in between.
    meta.unlink(missing_ok=True)
    partial_path.rename(outputs)
    meta_partial = output_dir / (OUTPUTS_META + ".partial")
    meta_partial.write_text(json.dumps(fingerprint))
    meta_partial.rename(meta)
    events.artifact("teacher-outputs", "samples", str(outputs), 0, outputs.stat().st_size)
    events.log("info", f"the teacher wrote {len(rows)} answers ({generated_tokens} tokens in {seconds:.1f} s) "
                       f"to {outputs}")
    return Dataset(kind, rows, outputs)


def run(spec: RunSpec, events: EventSink, cancel: threading.Event) -> RunResult:
    config = spec.method_config
    assert isinstance(config, SequenceKDConfig)
    training = config.training
    seed_everything(spec.seed)

    tokenizer = load_tokenizer(spec)
    # Built right after seeding, like lm_train's: a seq_kd student starts from the same weights as
    # the no-teacher baseline with the same seed.
    student = load_student(spec, tokenizer, training).to(default_device())
    check_run_models(spec, tokenizer, student=student)
    distilled = teacher_dataset(spec, config, tokenizer, events, cancel)
    if distilled is None:
        return RunResult("cancelled", 0, "cancelled while the teacher was generating; start the run again")
    blocks, description = tokenize_dataset(distilled, tokenizer, training.block_size)
    events.log("info", f"training data: {description} from the teacher's answers")
    data = RunData(blocks, None, [])
    if spec.validation_data is not None:
        validation = read_jsonl(spec.validation_data.path, role="validation data")
        data.validation_blocks, description = tokenize_dataset(validation, tokenizer, training.block_size)
        data.sample_prompts = sample_prompts(validation, tokenizer, training.eval_samples)
        events.log("info", f"validation data: {description} from {validation.path} (the dataset's own answers)")
    return Trainer(
        spec=spec, training=training, model=student, tokenizer=tokenizer, data=data,
        objective=LanguageModelling(student), events=events, cancel=cancel,
    ).fit()
