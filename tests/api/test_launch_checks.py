"""What the registry's inspection of the models shows cannot work is refused when the run is created
(POST /runs/, and templates, which the new-run form saves), a 400 naming the field, instead of a run
that fails after queueing. The engine's RunSpec decides it (engine.facts); facts not yet recorded
leave it to the engine at run start."""
from __future__ import annotations

import pytest

from tests.api.test_runs_api import launch
from tests.api.test_templates_api import template_body
from tests.conftest import upload
from webapp.registry.services.inspection import model_inspection_record
from webapp.runs.models import Run

LLAMA_LAYERS = ["model.layers.*.self_attn.q_proj", "model.layers.*.self_attn.k_proj", "model.layers.*.self_attn.v_proj",
                "model.layers.*.self_attn.o_proj", "model.layers.*.mlp.gate_proj", "model.layers.*.mlp.up_proj",
                "model.layers.*.mlp.down_proj"]


def inspected(model, **facts):
    """Records what a worker's inspection (engine.inspect_model) would have found about `model`."""
    found = {"architecture": "LlamaForCausalLM", "parameter_count": 10_000, "vocab_size": 64, "dtype": "float32",
             "has_tokenizer": True, "tokenizer_fingerprint": "a" * 64, "has_chat_template": False,
             "max_positions": 64, "linear_modules": LLAMA_LAYERS}
    model_inspection_record(model=model, facts={**found, **facts})
    model.refresh_from_db()
    return model


@pytest.fixture
def inspected_objects(registry_objects):
    for role in ("student", "teacher"):
        inspected(registry_objects[role])
    return registry_objects


def block_size(value: int) -> dict:
    return {"config": {"alpha": 0.5, "training": {"max_steps": 20, "block_size": value}}}


def test_the_inspected_facts_are_recorded_on_the_model(inspected_objects):
    student = inspected_objects["student"]
    assert (student.max_positions, student.has_chat_template, student.linear_modules) == (64, False, LLAMA_LAYERS)


def test_a_run_within_what_the_models_allow_is_created(api, inspected_objects):
    response = launch(api("member"), inspected_objects, **block_size(64))
    assert response.status_code == 201, response.json()


def test_a_block_size_beyond_the_students_positions_is_a_400_naming_block_size(api, inspected_objects):
    response = launch(api("member"), inspected_objects, **block_size(128))
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["config.training.block_size"]
    assert body["errors"]["config.training.block_size"] == [
        f"block_size 128 exceeds the {role}'s maximum positions (64, its config's max_position_embeddings): lower "
        "config.training.block_size to 64 or less" for role in ("student", "teacher")]
    assert body["detail"].startswith("Invalid run: config.training.block_size: block_size 128 exceeds")
    assert Run.objects.count() == 0


def test_a_block_size_beyond_the_teachers_positions_is_a_400_naming_block_size(api, inspected_objects):
    inspected(inspected_objects["student"], max_positions=4096)
    inspected(inspected_objects["teacher"], max_positions=32)
    response = launch(api("member"), inspected_objects, **block_size(48))
    assert response.status_code == 400
    [message] = response.json()["errors"]["config.training.block_size"]
    assert message.startswith("block_size 48 exceeds the teacher's maximum positions (32")


def test_lora_target_modules_the_student_lacks_are_a_400_naming_them(api, inspected_objects):
    config = {"training": {"max_steps": 20, "block_size": 32, "lora_rank": 4,
                           "lora_target_modules": ["q_proj", "query_key_value"]}}
    response = launch(api("member"), inspected_objects, config=config)
    assert response.status_code == 400
    [message] = response.json()["errors"]["config.training.lora_target_modules"]
    assert message.startswith("the student has no linear layer named 'query_key_value' to put LoRA adapters on "
                              "(its linear layers: down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj;")
    assert "or to null for PEFT's default" in message

    config["training"]["lora_target_modules"] = ["q_proj", "self_attn.v_proj"]
    assert launch(api("member"), inspected_objects, config=config).status_code == 201


def test_a_chat_dataset_for_a_student_without_a_chat_template_is_a_400_naming_the_dataset(
        api, cast, inspected_objects):
    from webapp.registry.services.datasets import dataset_upload

    rows = [{"messages": [{"role": "user", "content": f"hi {n}"}, {"role": "assistant", "content": "hello"}]}
            for n in range(4)]
    chat, _ = dataset_upload(workspace=cast["workspace"], user=cast["owner"], name="chat", kind="chat",
                             upload=upload("c.jsonl", rows))
    response = launch(api("member"), inspected_objects, train_dataset=chat.id, validation_dataset=None,
                      **block_size(32))
    assert response.status_code == 400
    [message] = response.json()["errors"]["train_dataset"]
    assert message.startswith("the student's tokenizer has no chat template, which chat data needs")
    assert "convert the rows to prompt-completion pairs" in message

    inspected(inspected_objects["student"], has_chat_template=True)
    response = launch(api("member"), inspected_objects, train_dataset=chat.id, validation_dataset=None,
                      **block_size(32))
    assert response.status_code == 201, response.json()


def test_a_teacher_whose_vocabulary_cannot_be_matched_is_a_400_naming_the_teacher(api, inspected_objects):
    inspected(inspected_objects["teacher"], tokenizer_fingerprint="b" * 64, vocab_size=72)
    response = launch(api("member"), inspected_objects, **block_size(32))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["teacher"]
    assert "uses another tokenizer than the student" in response.json()["detail"]


def test_models_inspected_before_these_facts_were_recorded_are_left_to_the_engine(api, registry_objects):
    for role in ("student", "teacher"):
        model_inspection_record(model=registry_objects[role], facts={
            "architecture": "LlamaForCausalLM", "parameter_count": 10, "vocab_size": 64, "dtype": "float32",
            "has_tokenizer": True})
    response = launch(api("member"), registry_objects, **block_size(4096))
    assert response.status_code == 201, response.json()


def test_the_worker_is_given_the_facts_so_the_engine_judges_the_same_spec(api, inspected_objects, tmp_path):
    from worker.spec import build_spec

    run = Run.objects.get(pk=launch(api("member"), inspected_objects, **block_size(32)).json()["id"])
    spec = build_spec(run, tmp_path / "run", resume=False)
    assert spec["student"]["facts"] == {"tokenizer_fingerprint": "a" * 64, "vocab_size": 64, "max_positions": 64,
                                        "has_chat_template": False, "linear_modules": LLAMA_LAYERS}


def test_a_template_that_the_models_cannot_run_is_refused_like_a_run(api, inspected_objects):
    body = template_body(inspected_objects, config={"training": {"max_steps": 10, "block_size": 128}})
    response = api("member").post("/api/v1/templates/", body, format="json")
    assert response.status_code == 400 and "config.training.block_size" in response.json()["errors"]
