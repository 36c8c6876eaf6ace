"""The demo kit: a real corpus built offline, and a distilled student that beats its no-teacher twin."""

import json
from pathlib import Path

from transformers import AutoTokenizer

from engine.demo.corpus import build_corpus
from engine.spec import RunSpec
from tests.engine.helpers import engine, run_in_process


def read_rows(path: str) -> list[str]:
    return [json.loads(line)["text"] for line in Path(path).read_text().splitlines()]


def test_the_corpus_is_the_same_on_every_build_and_validation_files_are_kept_out_of_training():
    train, validation = build_corpus(60_000)

    assert (train, validation) == build_corpus(60_000)
    assert 60_000 <= sum(len(row.encode()) for row in train) < 80_000
    assert 6_000 <= sum(len(row.encode()) for row in validation) < 26_000
    assert not set(train) & set(validation)


def test_demo_data_writes_the_corpus_tokenizer_model_configs_and_valid_run_specs(tmp_path):
    completed = engine("demo-data", str(tmp_path / "demo"), "--train-bytes", "50000")

    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout)
    assert len(read_rows(summary["train"]["path"])) == summary["train"]["rows"] > 0
    assert len(read_rows(summary["validation"]["path"])) == summary["validation"]["rows"] > 0
    tokenizer = AutoTokenizer.from_pretrained(summary["tokenizer"]["path"])
    assert (tokenizer.pad_token, tokenizer.bos_token, tokenizer.eos_token) == ("<|pad|>", "<|bos|>", "<|eos|>")
    assert len(tokenizer) == summary["tokenizer"]["vocab_size"] == 2048
    for role in ("teacher", "student"):
        config = json.loads(Path(summary[f"{role}_config"]).read_text())
        assert config["vocab_size"] == len(tokenizer) and config["eos_token_id"] == tokenizer.eos_token_id
    methods = {name: RunSpec.model_validate_json(Path(path).read_text()).method
               for name, path in summary["run_specs"].items()}
    assert methods == {"teacher": "lm_train", "distill": "kd_forward_kl", "baseline": "lm_train"}


def test_on_the_demo_corpus_the_distilled_student_beats_the_same_student_trained_without_a_teacher(kit):
    specs = {name: json.loads(Path(path).read_text()) for name, path in kit["run_specs"].items()}
    # The demo's recipe at a size a test can afford: smaller models, blocks and batches.
    smaller = {"teacher": {"hidden_size": 96, "intermediate_size": 384, "num_hidden_layers": 2},
               "student": {"hidden_size": 32, "intermediate_size": 128, "num_hidden_layers": 1}}
    specs["teacher"]["student"]["config"].update(smaller["teacher"], num_attention_heads=2, num_key_value_heads=2)
    for name, steps in (("teacher", 300), ("distill", 200), ("baseline", 200)):
        if name != "teacher":
            specs[name]["student"]["config"].update(smaller["student"])
        specs[name]["config"]["training"].update(max_steps=steps, batch_size=8, block_size=64, eval_every=0,
                                                 eval_batches=16, checkpoint_every=0)

    validation_loss = {}
    for name in ("teacher", "distill", "baseline"):
        result, events = run_in_process(specs[name])
        assert result.status == "finished"
        validation_loss[name] = events.of_kind("metric")[-1]["values"]["eval/loss"]

    assert validation_loss["teacher"] < validation_loss["baseline"] - 0.3, validation_loss
    assert validation_loss["distill"] < validation_loss["baseline"] - 0.1, validation_loss
