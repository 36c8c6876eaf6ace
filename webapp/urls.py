"""URL map: the REST API under /api/v1/, its schema and docs, and the SPA for every other route."""
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from webapp.accounts import api as accounts_api
from webapp.frontend import healthz, index
from webapp.notifications import api as notifications_api
from webapp.registry import api as registry_api
from webapp.runs import api as runs_api
from webapp.runs.events import PlaygroundEventsApi, RunEventsApi

api_v1 = [
    path("auth/login/", accounts_api.LoginApi.as_view()),
    path("auth/logout/", accounts_api.LogoutApi.as_view()),
    path("auth/me/", accounts_api.MeApi.as_view()),
    path("tokens/", accounts_api.TokenListApi.as_view()),
    path("tokens/<int:pk>/", accounts_api.TokenDetailApi.as_view()),
    path("workspaces/", accounts_api.WorkspaceListApi.as_view()),
    path("workspaces/<slug:slug>/", accounts_api.WorkspaceDetailApi.as_view()),
    path("workspaces/<slug:slug>/members/", accounts_api.WorkspaceMembersApi.as_view()),
    path("workspaces/<slug:slug>/members/<str:username>/", accounts_api.WorkspaceMemberDetailApi.as_view()),
    path("workspaces/<slug:slug>/audit/", accounts_api.WorkspaceAuditApi.as_view()),
    path("workspaces/<slug:slug>/export/", runs_api.HistoryExportApi.as_view()),
    path("workspaces/<slug:slug>/import/", runs_api.HistoryImportApi.as_view()),
    path("workspaces/<slug:slug>/notifications/", notifications_api.ChannelListApi.as_view()),
    path("workspaces/<slug:slug>/deliveries/", notifications_api.DeliveryListApi.as_view()),
    path("notifications/<int:pk>/", notifications_api.ChannelDetailApi.as_view()),
    path("invitations/<str:token>/accept/", accounts_api.InvitationAcceptApi.as_view()),
    path("methods/", runs_api.MethodListApi.as_view()),
    path("methods/<str:name>/", runs_api.MethodDetailApi.as_view()),
    path("models/", registry_api.ModelListApi.as_view()),
    path("models/<int:pk>/", registry_api.ModelDetailApi.as_view()),
    path("models/<int:pk>/lineage/", registry_api.ModelLineageApi.as_view()),
    path("datasets/", registry_api.DatasetListApi.as_view()),
    path("datasets/import/", registry_api.DatasetImportApi.as_view()),
    path("dataset-imports/<int:pk>/", registry_api.DatasetImportDetailApi.as_view()),
    path("datasets/<int:pk>/", registry_api.DatasetDetailApi.as_view()),
    path("datasets/<int:pk>/token-stats/", registry_api.DatasetTokenStatsApi.as_view()),
    path("runs/", runs_api.RunListApi.as_view()),
    path("runs/<int:pk>/", runs_api.RunDetailApi.as_view()),
    path("runs/<int:pk>/cancel/", runs_api.RunCancelApi.as_view()),
    path("runs/<int:pk>/retry/", runs_api.RunRetryApi.as_view()),
    path("runs/<int:pk>/resume/", runs_api.RunResumeApi.as_view()),
    path("runs/<int:pk>/clone/", runs_api.RunCloneApi.as_view()),
    path("runs/<int:pk>/metrics/", runs_api.RunMetricsApi.as_view()),
    path("runs/<int:pk>/metrics/export/", runs_api.RunMetricsExportApi.as_view()),
    path("runs/<int:pk>/logs/", runs_api.RunLogsApi.as_view()),
    path("runs/<int:pk>/artifacts/", runs_api.RunArtifactsApi.as_view()),
    path("runs/<int:pk>/artifacts/<int:artifact_id>/content/", runs_api.RunArtifactContentApi.as_view()),
    path("runs/<int:pk>/artifacts/<int:artifact_id>/download/", runs_api.RunArtifactDownloadApi.as_view()),
    path("runs/<int:pk>/events/", RunEventsApi.as_view()),
    path("series/", runs_api.SeriesApi.as_view()),
    path("compare/", runs_api.CompareApi.as_view()),
    path("share-links/", runs_api.ShareLinkListApi.as_view()),
    path("share-links/<int:pk>/", runs_api.ShareLinkDetailApi.as_view()),
    path("shared/<str:token>/", runs_api.SharedApi.as_view()),
    path("shared/<str:token>/series/", runs_api.SharedSeriesApi.as_view()),
    path("playground/", runs_api.PlaygroundListApi.as_view()),
    path("playground/<int:pk>/", runs_api.PlaygroundDetailApi.as_view()),
    path("playground/<int:pk>/events/", PlaygroundEventsApi.as_view()),
    path("sweeps/", runs_api.SweepListApi.as_view()),
    path("sweeps/<int:pk>/", runs_api.SweepDetailApi.as_view()),
    path("templates/", runs_api.TemplateListApi.as_view()),
    path("templates/<int:pk>/", runs_api.TemplateDetailApi.as_view()),
    path("templates/<int:pk>/launch/", runs_api.TemplateLaunchApi.as_view()),
    path("workers/", runs_api.WorkerListApi.as_view()),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("healthz", healthz),
    re_path(r"^(?!api/|static/).*$", index),
]
