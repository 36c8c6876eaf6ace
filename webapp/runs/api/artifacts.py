"""API: a run's artifacts (list, download, read a table)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.runs.models import ArtifactKind
from webapp.runs.selectors.artifacts import artifact_get, artifact_local_path, artifact_table_content, artifacts_of
from webapp.runs.selectors.runs import run_get


class ArtifactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ArtifactKind.choices)
    name = serializers.CharField()
    path = serializers.CharField()
    step = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class RunArtifactsApi(APIView):
    @extend_schema(responses=ArtifactOutput(many=True))
    def get(self, request, pk: int):
        run = run_get(user=request.user, pk=pk)
        return Response(ArtifactOutput(artifacts_of(run=run), many=True).data)


class RunArtifactDownloadApi(APIView):
    """Downloads an artifact: a file as itself, a directory (a checkpoint, the final model) as a tar
    named run-ID-NAME.tar whose members sit under run-ID-NAME/. Fetched from the artifact store
    first when the run wrote it on another host; 404 while its worker is still uploading it."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, artifact_id: int):
        from webapp.runs.api.downloads import artifact_response

        run = run_get(user=request.user, pk=pk)
        artifact = artifact_get(run=run, pk=artifact_id)
        path = artifact_local_path(artifact=artifact)
        return artifact_response(path, f"run-{run.id}-{artifact.name}")


class RunArtifactContentApi(APIView):
    """The JSON document of one of the run's table artifacts, as the engine wrote it (e.g. the
    continual-learning accuracy matrix 'cl-matrix-step-N' or a 'calibration-step-N' reliability
    diagram). Other artifact kinds are 400; tables larger than ARTIFACT_TABLE_MAX_BYTES are 413."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int, artifact_id: int):
        run = run_get(user=request.user, pk=pk)
        artifact = artifact_get(run=run, pk=artifact_id)
        return Response(artifact_table_content(artifact=artifact))
