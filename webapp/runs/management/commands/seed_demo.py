"""Seeds the demo: a user, a workspace, the standard-library corpus, a tokenizer, tiny teacher and
student models and the two run templates ("train the teacher", "distill into the student").

Safe to run again: whatever exists is kept. The corpus is built by the engine in a subprocess
(`python -m engine demo-data`), so this command never imports torch.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from webapp.accounts.models import Membership, Role, User, Workspace
from webapp.registry.models import Dataset, ModelAsset
from webapp.registry.services import dataset_upload, model_register_from_config
from webapp.runs.models import RunTemplate

USERNAME, PASSWORD, WORKSPACE = "demo", "distillery-demo", "demo"


class Command(BaseCommand):
    help = "Create the demo user, workspace, datasets, models and run templates (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--train-bytes", type=int, default=os.environ.get("DISTILLERY_DEMO_TRAIN_BYTES"),
                            help="Corpus size (default: the engine's, or DISTILLERY_DEMO_TRAIN_BYTES).")

    def handle(self, *args, train_bytes=None, **options):
        demo_dir = Path(settings.MODEL_PATH_ALLOWED_ROOTS[0]) / "demo"
        summary_file = demo_dir / "summary.json"
        if not summary_file.exists():
            self.stdout.write("Building the demo corpus and tokenizer from the standard library...")
            command = [sys.executable, "-m", "engine", "demo-data", str(demo_dir)]
            if train_bytes:
                command += ["--train-bytes", str(train_bytes)]
            output = subprocess.run(command, cwd=settings.BASE_DIR, check=True, capture_output=True, text=True).stdout
            summary_file.write_text(output)
        summary = json.loads(summary_file.read_text())
        with transaction.atomic():
            self._seed(summary)
        self.stdout.write(self.style.SUCCESS(f"Demo ready: workspace '{WORKSPACE}', user {USERNAME} / {PASSWORD}"))

    def _seed(self, summary: dict) -> None:
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            user = User.objects.create_user(username=USERNAME, password=PASSWORD)
        workspace, _ = Workspace.objects.get_or_create(slug=WORKSPACE, defaults={"name": "Demo"})
        Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": Role.OWNER})

        for name, key in (("stdlib-train", "train"), ("stdlib-validation", "validation")):
            if not Dataset.objects.filter(workspace=workspace, name=name).exists():
                with open(summary[key]["path"], "rb") as handle:
                    dataset_upload(workspace=workspace, user=user, name=name, kind="text", upload=handle)
        tokenizer = summary["tokenizer"]["path"]
        for name, key in (("demo-teacher-init", "teacher_config"), ("demo-student", "student_config")):
            if not ModelAsset.objects.filter(workspace=workspace, name=name).exists():
                config = json.loads(Path(summary[key]).read_text())
                model_register_from_config(workspace=workspace, user=user, name=name, config=config,
                                           tokenizer_path=tokenizer)
        specs = {name: json.loads(Path(path).read_text()) for name, path in summary["run_specs"].items()}
        templates = [
            dict(name="train the teacher", method="lm_train", student="demo-teacher-init",
                 register_model_as="demo-teacher", config=specs["teacher"]["config"],
                 description="Trains the demo teacher on the standard-library corpus and registers it as 'demo-teacher'."),
            dict(name="distill into the student", method="kd_forward_kl", student="demo-student", teacher="demo-teacher",
                 config=specs["distill"]["config"],
                 description="Distils 'demo-teacher' into the small demo student (launch 'train the teacher' first)."),
            dict(name="student without a teacher", method="lm_train", student="demo-student",
                 config=specs["baseline"]["config"],
                 description="The same student trained on the same data without a teacher: the baseline to beat."),
        ]
        for template in templates:
            RunTemplate.objects.get_or_create(
                workspace=workspace, name=template.pop("name"),
                defaults={**template, "train_dataset": "stdlib-train", "validation_dataset": "stdlib-validation"},
            )
