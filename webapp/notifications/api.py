"""API for notification channels and their delivery log."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import member_of, workspace_get, writable_workspace
from webapp.common.api import StrictSerializer, page_response, paginated
from webapp.notifications import services
from webapp.notifications.models import RUN_EVENTS, Channel, Delivery


class ChannelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Channel.KINDS)
    target = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=RUN_EVENTS))
    created_at = serializers.DateTimeField()


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.IntegerField(source="channel_id")
    run = serializers.IntegerField(source="run_id")
    event = serializers.ChoiceField(choices=RUN_EVENTS)
    status = serializers.ChoiceField(choices=Delivery.STATUSES)
    attempts = serializers.IntegerField()
    response_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)


class ChannelListApi(APIView):
    class Input(StrictSerializer):
        kind = serializers.ChoiceField(choices=["webhook", "email"])
        target = serializers.CharField(
            max_length=500,
            help_text="webhook: an http(s) URL whose host resolves to public addresses only (internal ones need "
                      "the operator's WEBHOOK_ALLOWED_HOSTS); email: an address.")
        events = serializers.ListField(child=serializers.ChoiceField(choices=RUN_EVENTS), min_length=1)

    @extend_schema(responses=ChannelOutput(many=True))
    def get(self, request, slug: str):
        workspace = workspace_get(user=request.user, slug=slug)
        return Response(ChannelOutput(workspace.notification_channels.all(), many=True).data)

    @extend_schema(request=Input, responses={201: ChannelOutput})
    def post(self, request, slug: str):
        workspace = writable_workspace(user=request.user, slug=slug)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        channel = services.channel_create(workspace=workspace, user=request.user, **data.validated_data)
        return Response(ChannelOutput(channel).data, status=status.HTTP_201_CREATED)


class ChannelDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        channel = get_object_or_404(Channel.objects.filter(member_of(request.user)).select_related("workspace"), pk=pk)
        services.channel_delete(channel=channel, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListApi(APIView):
    @extend_schema(responses=paginated(DeliveryOutput, "DeliveryPage"))
    def get(self, request, slug: str):
        workspace = workspace_get(user=request.user, slug=slug)
        return page_response(request, self, Delivery.objects.filter(channel__workspace=workspace),
                             lambda page: DeliveryOutput(page, many=True).data)
