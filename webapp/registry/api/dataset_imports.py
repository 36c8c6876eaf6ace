"""API: dataset imports with the `datasets` library on a worker."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common.api import StrictSerializer
from webapp.registry.models import DatasetImport, DatasetKind
from webapp.registry.selectors.datasets import dataset_import_get
from webapp.registry.services.dataset_imports import dataset_import_create


class DatasetImportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=DatasetKind.choices)
    hub_id = serializers.CharField()
    path = serializers.CharField()
    split = serializers.CharField()
    status = serializers.ChoiceField(choices=DatasetImport.STATUSES)
    error_message = serializers.CharField()
    dataset = serializers.IntegerField(source="dataset_id", allow_null=True)
    created_at = serializers.DateTimeField()


class DatasetImportApi(APIView):
    """Import a dataset with the `datasets` library on a worker: by Hugging Face id from the
    server's cache (nothing is downloaded), or from a `save_to_disk` directory on the server."""

    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=100)
        kind = serializers.ChoiceField(choices=[c for c in DatasetKind.choices if c[0] != DatasetKind.TASK_SEQUENCE])
        hub_id = serializers.CharField(required=False, default="", allow_blank=True)
        path = serializers.CharField(required=False, default="", allow_blank=True)
        split = serializers.CharField(required=False, default="train")

    @extend_schema(request=Input, responses={202: DatasetImportOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        job = dataset_import_create(workspace=workspace, user=request.user, **d)
        return Response(DatasetImportOutput(job).data, status=status.HTTP_202_ACCEPTED)


class DatasetImportDetailApi(APIView):
    @extend_schema(responses=DatasetImportOutput)
    def get(self, request, pk: int):
        return Response(DatasetImportOutput(dataset_import_get(user=request.user, pk=pk)).data)
