"""API: a workspace's run history as one file (export) and back (import)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import workspace_get, writable_workspace
from webapp.common.api import StrictSerializer


class HistoryExportApi(APIView):
    """The workspace's finished runs (configs, statuses, summaries, full series) as one gzipped
    JSON Lines file, importable into another installation."""

    @extend_schema(responses={(200, "application/gzip"): OpenApiTypes.BINARY})
    def get(self, request, slug: str):
        from django.http import FileResponse

        from webapp.runs.services.history import history_export

        workspace = workspace_get(user=request.user, slug=slug)
        return FileResponse(history_export(workspace=workspace, user=request.user), as_attachment=True,
                            filename=f"{workspace.slug}-history.jsonl.gz", content_type="application/gzip")


class HistoryImportApi(APIView):
    parser_classes = [MultiPartParser]

    class Input(StrictSerializer):
        file = serializers.FileField(help_text="A file made by GET /workspaces/{slug}/export/.")

    class Output(serializers.Serializer):
        runs = serializers.IntegerField()
        models = serializers.IntegerField()
        datasets = serializers.IntegerField()
        points = serializers.IntegerField()

    @extend_schema(request={"multipart/form-data": Input}, responses={201: Output})
    def post(self, request, slug: str):
        from webapp.runs.services.history import history_import

        workspace = writable_workspace(user=request.user, slug=slug)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        summary = history_import(workspace=workspace, user=request.user, upload=data.validated_data["file"])
        return Response(summary, status=status.HTTP_201_CREATED)
