"""Run specs, method configs and the registry: what is accepted, what is refused and how it says so."""

import json
import subprocess
import sys

import pytest
from pydantic import BaseModel, ValidationError

from engine import registry
from engine.errors import SpecError
from engine.methods.distillation.config import KDForwardKLConfig
from engine.spec import RunSpec, TrainingConfig, load_run_spec
from tests.engine.helpers import REPO_ROOT


def valid_spec(**changes):
    spec = {
        "method": "kd_forward_kl",
        "output_dir": "/tmp/run",
        "config": {"training": {"max_steps": 50}, "alpha": 0.5, "temperature": 2.0},
        "student": {"config": {"model_type": "llama", "hidden_size": 64}, "tokenizer": "/tmp/tokenizer"},
        "teacher": {"path": "/tmp/teacher"},
        "train_data": {"path": "/tmp/train.jsonl"},
    }
    spec.update(changes)
    return spec


def error_paths(error: ValidationError) -> dict[str, str]:
    return {".".join(str(part) for part in problem["loc"]): problem["msg"] for problem in error.errors()}


def test_importing_the_config_and_the_registry_and_listing_schemas_never_imports_torch():
    script = (
        "import sys, engine.spec, engine.registry as r\n"
        "[r.method_schema(m.name) for m in r.list_methods()]\n"
        "r.validate_config('kd_forward_kl', {'alpha': 0.2})\n"
        "print(sorted(name for name in ('torch', 'transformers') if name in sys.modules))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


def test_every_family_catalog_and_config_imports_without_torch_and_every_family_init_is_empty():
    methods = REPO_ROOT / "engine" / "methods"
    families = sorted(path.name for path in methods.iterdir() if (path / "__init__.py").exists())
    assert families == sorted(registry.FAMILIES)
    assert all((methods / family / "__init__.py").read_text() == "" for family in families)
    modules = [f"engine.methods.{family}.{name}" for family in families for name in ("catalog", "config")]
    script = (
        f"import sys, importlib\nfor name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(name for name in ('torch', 'transformers') if name in sys.modules))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


def test_a_valid_spec_gives_the_typed_method_config_with_defaults_filled_in():
    spec = RunSpec.model_validate(valid_spec())

    assert isinstance(spec.method_config, KDForwardKLConfig)
    assert spec.method_config.temperature == 2.0
    assert spec.method_config.training.max_steps == 50
    assert spec.method_config.training.batch_size == TrainingConfig().batch_size


def test_unknown_and_out_of_bounds_config_fields_are_reported_with_their_dotted_paths():
    spec = valid_spec(config={"training": {"max_steps": 0, "learning_rat": 1e-3}, "alpha": 1.5, "temperature": 0})

    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(spec)

    paths = error_paths(caught.value)
    assert set(paths) == {"config.training.max_steps", "config.training.learning_rat", "config.alpha",
                          "config.temperature"}
    assert "greater than or equal to 1" in paths["config.training.max_steps"]
    assert "Extra inputs are not permitted" in paths["config.training.learning_rat"]
    assert "less than or equal to 1" in paths["config.alpha"]
    assert "greater than 0" in paths["config.temperature"]


def test_validate_config_reports_the_same_field_paths_without_the_config_prefix():
    with pytest.raises(ValidationError) as caught:
        registry.validate_config("lm_train", {"training": {"lr_scheduler": "exponential"}, "alpha": 0.5})

    assert set(error_paths(caught.value)) == {"training.lr_scheduler", "alpha"}


def test_an_unknown_top_level_field_is_refused():
    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(valid_spec(epochs=3))

    assert set(error_paths(caught.value)) == {"epochs"}


def test_warmup_longer_than_training_is_refused_naming_both_fields():
    with pytest.raises(ValidationError, match=r"warmup_steps \(20\) must not exceed max_steps \(10\)"):
        TrainingConfig(max_steps=10, warmup_steps=20)


def test_an_unknown_method_is_refused_listing_the_known_ones():
    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(valid_spec(method="kd_backward"))

    known = ", ".join(sorted(registry.METHODS))
    assert "kd_forward_kl, kd_jsd, kd_reverse_kl" in known
    assert error_paths(caught.value)["method"] == f"unknown method 'kd_backward'; known methods: {known}"
    with pytest.raises(registry.UnknownMethodError, match=f"known methods: {known}"):
        registry.get_method("kd_backward")


def test_a_method_that_needs_a_teacher_refuses_a_spec_without_one_and_vice_versa():
    without_teacher = valid_spec()
    del without_teacher["teacher"]
    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(without_teacher)
    assert "needs a teacher model" in error_paths(caught.value)["teacher"]

    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(valid_spec(method="lm_train", config={}))
    assert "does not use a teacher" in error_paths(caught.value)["teacher"]


def test_data_of_a_kind_the_method_does_not_train_on_is_refused_at_its_field_and_unknown_kinds_pass():
    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(valid_spec(train_data={"path": "/tmp/p.jsonl", "kind": "preference"},
                                          validation_data={"path": "/tmp/v.jsonl", "kind": "chat"}))
    paths = error_paths(caught.value)
    assert paths == {"train_data.kind": "method 'kd_forward_kl' trains on text or prompt-completion or chat data, "
                                        "not preference data"}
    assert RunSpec.model_validate(valid_spec(train_data={"path": "/tmp/t.jsonl"})).train_data.kind is None

    task = {"train_data": {"path": "/tmp/a.jsonl", "kind": "text"},
            "validation_data": {"path": "/tmp/b.jsonl", "kind": "preference"}}
    continual = valid_spec(method="cl_replay", config={"replay_source": "general"}, teacher=None, train_data=None,
                           tasks=[{"name": "one", **task}, {"name": "two", **task}],
                           replay_data={"path": "/tmp/r.jsonl", "kind": "chat"})
    del continual["teacher"], continual["train_data"]
    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(continual)
    paths = error_paths(caught.value)
    assert set(paths) == {"tasks.0.validation_data.kind", "tasks.1.validation_data.kind", "replay_data.kind"}
    assert paths["replay_data.kind"] == "replay data is general text replayed alongside every task, not chat data"


@pytest.mark.parametrize("model,message", [
    ({}, "exactly one of 'path', 'hub_id', 'config' or 'soup'"),
    ({"path": "/a", "config": {"model_type": "llama"}}, "exactly one of 'path', 'hub_id', 'config' or 'soup'"),
    ({"hub_id": "gpt2"}, "refused because allow_hub is false"),
    ({"config": {"hidden_size": 8}, "tokenizer": "/t"}, "needs a 'model_type'"),
])
def test_a_model_spec_must_name_exactly_one_allowed_source(model, message):
    with pytest.raises(ValidationError, match=message) as caught:
        RunSpec.model_validate(valid_spec(student=model))
    assert "student" in error_paths(caught.value)


def test_a_student_built_from_a_config_needs_a_tokenizer_somewhere():
    spec = valid_spec(student={"config": {"model_type": "llama"}})
    with pytest.raises(ValidationError) as caught:
        RunSpec.model_validate(spec)
    assert "needs a tokenizer directory" in error_paths(caught.value)["student.tokenizer"]

    assert RunSpec.model_validate({**spec, "tokenizer": "/tmp/tokenizer"}).tokenizer == "/tmp/tokenizer"


def test_a_hub_id_is_accepted_only_when_allowed():
    spec = RunSpec.model_validate(valid_spec(student={"hub_id": "gpt2", "allow_hub": True}))
    assert spec.student.hub_id == "gpt2"


def test_every_registered_method_has_a_paper_a_torch_free_config_and_a_field_description_everywhere():
    def fields_without_description(schema: dict) -> list[str]:
        missing = []
        for definition in [schema, *schema.get("$defs", {}).values()]:
            missing += [name for name, field in definition.get("properties", {}).items()
                        if not field.get("description")]
        return missing

    for method in registry.list_methods():
        assert method.family in ("distillation", "alignment", "continual")
        assert method.paper.url.startswith("https://") and method.paper.title
        assert issubclass(registry.config_class(method.name), BaseModel)
        assert fields_without_description(registry.method_schema(method.name)) == []
        requires = json.loads(json.dumps(method.to_json()))["requires"]
        if method.family == "distillation":
            assert requires["dataset_kinds"] == ["text", "prompt-completion", "chat"]
        assert requires["dataset_kinds"] and isinstance(requires["tasks"], bool)

    # Every config class imports without torch (the webapp validates configs with them).
    probe = ("import sys; from engine import registry; "
             "[registry.method_schema(m.name) for m in registry.list_methods()]; print('torch' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    assert completed.stdout.strip() == "False"


def test_run_specs_load_from_yaml_and_json_and_problems_become_one_readable_spec_error(tmp_path):
    (tmp_path / "spec.yaml").write_text(
        "method: lm_train\noutput_dir: /tmp/run\nstudent: {path: /tmp/model}\ntrain_data: {path: /tmp/t.jsonl}\n"
    )
    assert load_run_spec(tmp_path / "spec.yaml").method == "lm_train"

    (tmp_path / "spec.json").write_text(json.dumps(valid_spec(config={"alpha": 2})))
    with pytest.raises(SpecError, match=r"spec.json is not a valid run spec:\n  config.alpha: Input should be less"):
        load_run_spec(tmp_path / "spec.json")

    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(SpecError, match="broken.json is not valid JSON"):
        load_run_spec(tmp_path / "broken.json")
    with pytest.raises(SpecError, match="cannot read the run spec"):
        load_run_spec(tmp_path / "missing.yaml")
