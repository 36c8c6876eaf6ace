"""`python -m engine.generate SPEC_JSON`: the playground's generations, streamed as JSON lines.

SPEC_JSON: {"models": [{"ref": "12", "model": {model spec as in a run spec}, "tokenizer": DIR?}],
"prompts": ["..."], "max_new_tokens": 64, "temperature": 0.0, "top_p": 1.0, "seed": 0}.
Each model answers every prompt with the same settings (temperature 0 is greedy). Lines on stdout:
{"kind": "sample", "model": ref, "prompt": index, "text": ..., "tokens": n, "tokens_per_s": x,
"done": bool}, a partial one every few tokens and a final one per answer; {"kind": "error", ...}
when a model cannot be loaded (the others still answer).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # transformers 5 draws one per model load

import torch  # noqa: E402
from transformers.generation.streamers import BaseStreamer  # noqa: E402

from engine.core.bos import text_ids  # noqa: E402
from engine.core.stops import cut_at_stop, stop_token_ids  # noqa: E402
from engine.spec import ModelSpec  # noqa: E402
from engine.errors import EngineError  # noqa: E402
from engine.models import _hub_snapshot, load_causal_lm, pretrained_tokenizer  # noqa: E402

EMIT_EVERY_TOKENS = 8


def emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


class Relay(BaseStreamer):
    """Receives token ids from `generate` and emits the text so far every few tokens."""

    def __init__(self, tokenizer, ref: str, prompt_index: int, stop_ids: list[int]):
        self.tokenizer, self.ref, self.prompt_index, self.stop_ids = tokenizer, ref, prompt_index, stop_ids
        self.prompt_seen, self.ids, self.started = False, [], time.perf_counter()

    def _record(self, done: bool) -> dict:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        return {"kind": "sample", "model": self.ref, "prompt": self.prompt_index, "done": done,
                "text": self.tokenizer.decode(cut_at_stop(self.ids, self.stop_ids, keep_stop=False),
                                              skip_special_tokens=True), "tokens": len(self.ids),
                "tokens_per_s": round(len(self.ids) / elapsed, 1)}

    def put(self, value: torch.Tensor) -> None:
        if not self.prompt_seen:  # generate() first hands over the prompt itself
            self.prompt_seen, self.started = True, time.perf_counter()
            return
        self.ids.extend(value.reshape(-1).tolist())
        if len(self.ids) % EMIT_EVERY_TOKENS == 0:
            emit(self._record(done=False))

    def end(self) -> None:
        emit(self._record(done=True))


def answer(entry: dict, prompts: list[str], settings: dict) -> None:
    spec = ModelSpec.model_validate(entry["model"])
    tokenizer_dir = entry.get("tokenizer") or spec.tokenizer or spec.path or (spec.soup[0] if spec.soup else None)
    if tokenizer_dir is None and spec.hub_id is not None:
        tokenizer_dir = _hub_snapshot(spec.hub_id, "model")  # the local cache only, like the model itself
    if tokenizer_dir is None:
        raise EngineError(f"model {entry['ref']} has no tokenizer: give 'tokenizer' for a config-built model")
    tokenizer = pretrained_tokenizer(tokenizer_dir, local_files_only=True)
    model = load_causal_lm(spec, role="model", vocab_size=len(tokenizer)).eval()
    greedy = settings["temperature"] <= 0
    stop_ids = stop_token_ids(model, tokenizer)  # the checkpoint's end of turn as well as the EOS
    for index, prompt in enumerate(prompts):
        torch.manual_seed(settings["seed"])
        ids = torch.tensor([text_ids(tokenizer, prompt)])  # the tokenizer's BOS rule, as in training data
        inputs = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
        with torch.no_grad():
            model.generate(
                **inputs, max_new_tokens=settings["max_new_tokens"], do_sample=not greedy,
                temperature=None if greedy else settings["temperature"], top_p=None if greedy else settings["top_p"],
                pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
                eos_token_id=stop_ids or None, streamer=Relay(tokenizer, entry["ref"], index, stop_ids),
            )


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    settings = {"max_new_tokens": int(spec.get("max_new_tokens", 64)), "temperature": float(spec.get("temperature", 0)),
                "top_p": float(spec.get("top_p", 1.0)), "seed": int(spec.get("seed", 0))}
    torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))
    for entry in spec["models"]:
        try:
            answer(entry, spec["prompts"], settings)
        except Exception as exc:  # one model failing must not hide the others' answers
            emit({"kind": "error", "model": entry["ref"], "message": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
