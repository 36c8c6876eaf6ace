"""Models and datasets: registration, uploads with row-level validation, versions, scoping."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TINY_LLAMA, upload
from webapp.registry.models import Dataset, ModelAsset


def post_dataset(client, name="corpus", kind="text", rows=None, workspace="lab"):
    rows = rows if rows is not None else [{"text": "hello"}, {"text": "world"}]
    return client.post("/api/v1/datasets/", {"workspace": workspace, "name": name, "kind": kind,
                                             "file": upload("d.jsonl", rows)}, format="multipart")


def test_a_member_uploads_a_text_dataset_with_its_row_count_and_hash(api):
    response = post_dataset(api("member"))
    assert response.status_code == 201
    body = response.json()
    assert body["row_count"] == 2 and body["version"] == 1 and len(body["sha256"]) == 64
    detail = api("member").get(f"/api/v1/datasets/{body['id']}/").json()
    assert detail["preview"] == [{"text": "hello"}, {"text": "world"}]


def test_bad_rows_are_reported_by_row_number_and_nothing_is_stored(api, data_dir):
    rows = [{"text": "ok"}, {"txt": "typo"}, "not an object", {"text": ""}]
    response = post_dataset(api("member"), rows=rows)
    assert response.status_code == 400
    body = response.json()
    assert "3 bad row(s)" in body["detail"] and "Row 2: field 'text' is missing" in body["detail"]
    assert set(body["errors"]) == {"file.row.2", "file.row.3", "file.row.4"}
    assert Dataset.objects.count() == 0
    stored = list((data_dir / "artifacts" / "datasets" / "lab").glob("*"))
    assert stored == []


def test_invalid_json_lines_are_reported(api):
    client = api("member")
    handle = upload("d.jsonl", [])
    handle.write(b'{"text": "fine"}\n{"text": \n')
    handle.seek(0)
    response = client.post("/api/v1/datasets/", {"workspace": "lab", "name": "broken", "kind": "text",
                                                 "file": handle}, format="multipart")
    assert response.status_code == 400
    assert "row.2" in "".join(response.json()["errors"]) and "not valid JSON" in response.json()["detail"]


def test_preference_rows_need_prompt_chosen_and_rejected(api):
    response = post_dataset(api("member"), kind="preference", rows=[{"prompt": "p", "chosen": "a"}])
    assert response.status_code == 400
    assert "field 'rejected' is missing" in response.json()["detail"]


@pytest.mark.reliability
def test_an_oversized_upload_is_refused_with_the_limit(api, settings):
    settings.DATASET_MAX_UPLOAD_BYTES = 100
    response = post_dataset(api("member"), rows=[{"text": "x" * 200}])
    assert response.status_code == 413
    assert "upload limit" in response.json()["detail"]
    assert Dataset.objects.count() == 0


def test_new_content_under_the_same_name_is_a_new_version_and_identical_content_is_not_stored_twice(api):
    client = api("member")
    first = post_dataset(client, rows=[{"text": "a"}]).json()
    again = post_dataset(client, rows=[{"text": "a"}])
    second = post_dataset(client, rows=[{"text": "b"}]).json()
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert second["version"] == 2
    assert Dataset.objects.count() == 2


def test_a_viewer_gets_403_on_upload_and_an_outsider_404_on_read(api, registry_objects):
    assert post_dataset(api("viewer")).status_code == 403
    dataset = registry_objects["train"]
    assert api("outsider").get(f"/api/v1/datasets/{dataset.id}/").status_code == 404
    assert api("outsider").get(f"/api/v1/models/{registry_objects['student'].id}/").status_code == 404
    assert api("outsider").get("/api/v1/datasets/?workspace=lab").json()["results"] == []


def test_uploading_into_a_workspace_i_am_not_in_is_404(api):
    assert post_dataset(api("outsider"), workspace="lab").status_code == 404


def test_a_model_from_a_config_records_its_architecture_and_vocabulary(api, tokenizer_dir):
    response = api("member").post("/api/v1/models/", {
        "workspace": "lab", "name": "tiny", "source": "config", "config": TINY_LLAMA,
        "tokenizer_path": str(tokenizer_dir)}, format="json")
    assert response.status_code == 201
    assert response.json()["architecture"] == "LlamaForCausalLM" and response.json()["vocab_size"] == 64
    detail = api("viewer").get(f"/api/v1/models/{response.json()['id']}/")
    assert detail.status_code == 200
    assert detail.json() == response.json()


def test_a_model_directory_is_inspected_for_parameters_without_loading_it(api, data_dir):
    import torch
    from safetensors.torch import save_file

    directory = data_dir / "models" / "saved"
    directory.mkdir()
    (directory / "config.json").write_text(json.dumps(TINY_LLAMA))
    save_file({"a": torch.zeros(3, 4), "b": torch.zeros(5)}, directory / "model.safetensors")
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "saved", "source": "path",
                                                      "path": str(directory)}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["parameter_count"] == 17


@pytest.mark.reliability
@pytest.mark.parametrize("path_for", [
    lambda root: "/etc",
    lambda root: str(root / "models" / ".." / ".." ),
    lambda root: "relative/dir",
])
def test_model_paths_outside_the_allowed_roots_are_refused(api, data_dir, path_for):
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "x", "source": "path",
                                                      "path": path_for(data_dir)}, format="json")
    assert response.status_code == 400
    assert "path" in response.json()["errors"]
    assert ModelAsset.objects.count() == 0


@pytest.mark.reliability
def test_a_symlink_out_of_the_allowed_roots_is_refused(api, data_dir):
    link = data_dir / "models" / "escape"
    link.symlink_to("/etc")
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "x", "source": "path",
                                                      "path": str(link)}, format="json")
    assert response.status_code == 400 and "outside the directories" in response.json()["detail"]


def test_a_missing_model_directory_is_a_clear_error(api, data_dir):
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "x", "source": "path",
                                                      "path": str(data_dir / "models" / "nope")}, format="json")
    assert response.status_code == 400 and "There is no model directory" in response.json()["detail"]


def test_a_duplicate_model_name_is_a_conflict(api, registry_objects, tokenizer_dir):
    response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "student", "source": "config",
                                                      "config": TINY_LLAMA, "tokenizer_path": str(tokenizer_dir)},
                                  format="json")
    assert response.status_code == 409


def model_archive(tmp_path, files: dict[str, bytes], kind: str = "tar.gz", links: dict[str, str] | None = None):
    import io
    import tarfile
    import zipfile

    buffer = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            for name, target in (links or {}).items():
                info = tarfile.TarInfo(name)
                info.type, info.linkname = tarfile.SYMTYPE, target
                archive.addfile(info)
    buffer.seek(0)
    buffer.name = f"model.{kind}"
    return buffer


def upload_model(client, archive, name="uploaded"):
    return client.post("/api/v1/models/", {"workspace": "lab", "name": name, "source": "upload", "file": archive},
                       format="multipart")


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_an_uploaded_model_archive_is_extracted_and_inspected(api, data_dir, kind):
    import torch
    from safetensors.torch import save

    weights = save({"w": torch.zeros(4, 8)})
    archive = model_archive(data_dir, {"tiny/config.json": json.dumps(TINY_LLAMA).encode(),
                                       "tiny/model.safetensors": weights}, kind=kind)
    response = upload_model(api("member"), archive)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source"] == "upload" and body["parameter_count"] == 32 and body["vocab_size"] == 64
    assert Path(body["path"], "config.json").is_file()


@pytest.mark.reliability
@pytest.mark.parametrize("files,links,message", [
    ({"../evil/config.json": b"{}"}, None, "unsafe path"),
    ({"/etc/config.json": b"{}"}, None, "unsafe path"),
    ({"config.json": b"{}"}, {"weights": "/etc/passwd"}, "link"),
    ({"weights.bin": b"x"}, None, "no config.json"),
])
def test_unsafe_or_incomplete_archives_are_refused_and_leave_nothing(api, data_dir, files, links, message):
    response = upload_model(api("member"), model_archive(data_dir, files, links=links))
    assert response.status_code == 400 and message in response.json()["detail"]
    assert ModelAsset.objects.count() == 0
    assert not any(path.is_file() for path in (data_dir / "artifacts").rglob("*"))


@pytest.mark.reliability
def test_an_archive_that_unpacks_too_large_is_refused(api, data_dir, settings):
    settings.MODEL_MAX_UPLOAD_BYTES = 1000
    response = upload_model(api("member"), model_archive(data_dir, {"config.json": b"{" + b" " * 2000 + b"}"}))
    assert response.status_code == 413 and ModelAsset.objects.count() == 0


def test_a_file_that_is_no_archive_is_refused_clearly(api):
    import io

    handle = io.BytesIO(b"just some bytes")
    handle.name = "model.bin"
    response = upload_model(api("member"), handle)
    assert response.status_code == 400 and "not a .zip, .tar or .tar.gz" in response.json()["detail"]


def test_a_csv_upload_is_validated_by_row_and_stored_as_json_lines(api):
    import io

    client = api("member")
    bad = io.BytesIO(b"prompt,chosen,rejected\nhi,a,b\nhello,,c\n")
    bad.name = "prefs.csv"
    response = client.post("/api/v1/datasets/", {"workspace": "lab", "name": "prefs", "kind": "preference",
                                                 "file": bad}, format="multipart")
    assert response.status_code == 400 and "file.row.2" in response.json()["errors"]
    good = io.BytesIO("prompt,chosen,rejected\nhi,a,b\nhéllo,\"x, y\",c\n".encode())
    good.name = "prefs.csv"
    body = client.post("/api/v1/datasets/", {"workspace": "lab", "name": "prefs", "kind": "preference",
                                             "file": good}, format="multipart").json()
    assert body["row_count"] == 2 and body["format"] == "jsonl"
    preview = client.get(f"/api/v1/datasets/{body['id']}/").json()["preview"]
    assert preview[1] == {"prompt": "héllo", "chosen": "x, y", "rejected": "c"}


def test_a_parquet_upload_is_stored_as_json_lines(api, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["a b c", "d e"], "label": [0, 1]}), tmp_path / "data.parquet")
    with open(tmp_path / "data.parquet", "rb") as handle:
        response = api("member").post("/api/v1/datasets/", {"workspace": "lab", "name": "cls", "kind": "classification",
                                                            "file": handle}, format="multipart")
    assert response.status_code == 201, response.json()
    preview = api("member").get(f"/api/v1/datasets/{response.json()['id']}/").json()["preview"]
    assert preview == [{"text": "a b c", "label": 0}, {"text": "d e", "label": 1}]


def test_a_file_that_is_not_parquet_says_so(api):
    import io

    handle = io.BytesIO(b"not parquet at all")
    handle.name = "data.parquet"
    response = api("member").post("/api/v1/datasets/", {"workspace": "lab", "name": "x", "kind": "text",
                                                        "file": handle}, format="multipart")
    assert response.status_code == 400 and "not a readable Parquet file" in response.json()["detail"]
    assert Dataset.objects.count() == 0


def test_a_viewer_cannot_register_a_model(api, tokenizer_dir):
    response = api("viewer").post("/api/v1/models/", {"workspace": "lab", "name": "nope", "source": "config",
                                                      "config": TINY_LLAMA, "tokenizer_path": str(tokenizer_dir)},
                                  format="json")
    assert response.status_code == 403 and "viewers can look" in response.json()["detail"]
    assert ModelAsset.objects.count() == 0


def test_lineage_follows_teacher_student_chains_both_ways(api, registry_objects, tokenizer_dir):
    from webapp.runs.models import Run

    objs = registry_objects
    owner = objs["student"].workspace.memberships.get(role="owner").user

    def produce(name, student, teacher=None):
        run = Run.objects.create(workspace=student.workspace, creator=owner, name=f"make-{name}",
                                 method="kd_forward_kl" if teacher else "lm_train", student=student, teacher=teacher,
                                 train_dataset=objs["train"], status="succeeded")
        return ModelAsset.objects.create(workspace=student.workspace, name=name, source="run", produced_by_run=run,
                                         config=TINY_LLAMA)

    teacher = produce("trained-teacher", objs["teacher"])
    student = produce("distilled", objs["student"], teacher=teacher)
    grandchild = produce("distilled-twice", objs["student"], teacher=student)

    lineage = api("viewer").get(f"/api/v1/models/{student.id}/lineage/").json()
    assert [(a["run"]["name"], a["teacher"] and a["teacher"]["name"], a["initial"]["name"])
            for a in lineage["ancestors"]] == [
        ("make-distilled", "trained-teacher", "student"), ("make-trained-teacher", None, "teacher")]
    assert [(d["from"], d["role"], d["model"]["name"]) for d in lineage["descendants"]] == [
        (student.id, "teacher", "distilled-twice")]
    from_root = api("viewer").get(f"/api/v1/models/{objs['teacher'].id}/lineage/").json()
    assert [d["model"]["name"] for d in from_root["descendants"]] == ["trained-teacher", "distilled", "distilled-twice"]
    assert api("outsider").get(f"/api/v1/models/{grandchild.id}/lineage/").status_code == 404


def test_lineage_names_the_reference_model_of_an_alignment_run_both_ways(api, registry_objects):
    from webapp.runs.models import Run

    objs = registry_objects
    owner = objs["student"].workspace.memberships.get(role="owner").user
    run = Run.objects.create(workspace=objs["student"].workspace, creator=owner, name="align", method="dpo",
                             student=objs["student"], reference=objs["teacher"], train_dataset=objs["train"],
                             status="succeeded")
    aligned = ModelAsset.objects.create(workspace=run.workspace, name="aligned", source="run", produced_by_run=run,
                                        config=TINY_LLAMA)

    up = api("viewer").get(f"/api/v1/models/{aligned.id}/lineage/").json()["ancestors"]
    assert (up[0]["initial"]["name"], up[0]["reference"]["name"], up[0]["teacher"]) == ("student", "teacher", None)
    down = api("viewer").get(f"/api/v1/models/{objs['teacher'].id}/lineage/").json()["descendants"]
    assert [(d["role"], d["model"]["name"]) for d in down] == [("reference", "aligned")]


def test_token_length_statistics_use_the_chosen_models_tokenizer_and_are_cached(api, registry_objects, tokenizer_dir):
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    from webapp.registry.models import DatasetTokenStats

    tokenizer = Tokenizer(WordLevel({"[UNK]": 0, "a": 1}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(tokenizer_dir / "tokenizer.json"))
    rows = [{"text": " ".join(["a"] * n)} for n in (1, 2, 3, 4, 100)]
    dataset = post_dataset(api("member"), name="lengths", rows=rows).json()
    client = api("viewer")
    url = f"/api/v1/datasets/{dataset['id']}/token-stats/?model={registry_objects['student'].id}"
    stats = client.get(url).json()
    assert (stats["sequences"], stats["tokens"], stats["max"], stats["p50"], stats["mean"]) == (5, 110, 100, 3, 22.0)
    assert sum(bucket["count"] for bucket in stats["histogram"]) == 5
    assert stats["histogram"][-1] == {"up_to": 128, "count": 1} and not stats["sampled"]
    assert client.get(url).json() == stats and DatasetTokenStats.objects.count() == 1
    assert client.get(f"/api/v1/datasets/{dataset['id']}/token-stats/").status_code == 400
    assert api("outsider").get(url).status_code == 404


def test_token_statistics_need_a_fast_tokenizer(api, registry_objects):
    dataset = post_dataset(api("member"), name="lengths").json()
    response = api("member").get(
        f"/api/v1/datasets/{dataset['id']}/token-stats/?model={registry_objects['student'].id}")
    assert response.status_code == 400 and "no tokenizer.json" in response.json()["detail"]


def test_registering_a_model_queues_its_inspection_after_commit(api, tokenizer_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api("member").post("/api/v1/models/", {"workspace": "lab", "name": "tiny", "source": "config",
                                                          "config": TINY_LLAMA, "tokenizer_path": str(tokenizer_dir)},
                                      format="json")
    assert response.status_code == 201 and len(callbacks) == 1
    assert response.json()["inspected_at"] is None
