"""The README's `run.yaml` is the demo's distillation run: a valid launch file whose config equals
the demo's (engine.demo.kit), so a reader who copies it gets the demo's result, not a student worse
than the no-teacher baseline (which the defaults' smaller batch and learning rate gave)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from client.cli import load_run_file
from engine.demo.kit import DISTILLATION, STUDENT_TRAINING
from engine.registry import validate_config

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_run_yaml(tmp_path: Path) -> dict:
    blocks = [block for block in re.findall(r"```yaml\n(.*?)```", README.read_text(), re.S)
              if block.startswith("# run.yaml")]
    assert len(blocks) == 1, "the README holds one ```yaml block that starts with '# run.yaml'"
    path = tmp_path / "run.yaml"
    path.write_text(blocks[0])
    return load_run_file(str(path))


def test_the_readme_run_yaml_is_a_valid_launch_file_of_the_demo_distillation(tmp_path):
    spec = readme_run_yaml(tmp_path)

    assert spec["method"] == "kd_forward_kl"
    # The names seed_demo registers and its "distill into the student" template uses.
    assert (spec["workspace"], spec["student"], spec["teacher"]) == ("demo", "demo-student", "demo-teacher")
    assert (spec["train_dataset"], spec["validation_dataset"]) == ("stdlib-train", "stdlib-validation")
    validate_config(spec["method"], spec["config"])


def test_the_readme_run_yaml_distils_with_the_demos_settings(tmp_path):
    spec = readme_run_yaml(tmp_path)
    demo = {**DISTILLATION, "training": STUDENT_TRAINING}

    readme_config = validate_config("kd_forward_kl", spec["config"]).model_dump()
    demo_config = validate_config("kd_forward_kl", demo).model_dump()
    differing = {key: (readme_config[key], demo_config[key]) for key in demo_config
                 if readme_config[key] != demo_config[key]}
    assert differing == {}
    assert readme_config["training"]["batch_size"] == 16 and readme_config["training"]["learning_rate"] == 2e-3


@pytest.mark.parametrize("setting", sorted(STUDENT_TRAINING))
def test_every_demo_training_setting_is_written_out_in_the_readme(tmp_path, setting):
    """Written out, not inherited: a changed default must not change the documented run."""
    assert readme_run_yaml(tmp_path)["config"]["training"].get(setting) == STUDENT_TRAINING[setting]
