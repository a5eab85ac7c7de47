from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.forms import SignInForm

from . import views
from .api_docs import ApiDocsView, ApiRedocView
from .tables.views import table_columns

api_v1 = [
    # The Campaigns API first: its audiences/add-to-campaigns/ would otherwise read as an audience's ID.
    path("", include("campaigns.api_urls")),
    path("", include("audiences.api_urls")),
    path("", include("l2_ingest.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("history.api_urls")),
    path("", include("notices.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Pages for people: a signed-out browser is sent to the sign-in page rather than answered 401.
    path("docs/", login_required(ApiDocsView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", login_required(ApiRedocView.as_view(url_name="api-schema")), name="api-redoc"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("readyz", views.readyz, name="readyz"),
    path("problems/", views.problem, name="problems"),
    path("problems/<slug:code>", views.problem, name="problem"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tables/<str:key>/columns/", table_columns, name="table_columns"),
    path("profile/", include("accounts.urls")),
    path("audiences/", include("campaigns.audience_urls")),
    path("audiences/", include("audiences.urls")),
    path("audiences/", include("l2_ingest.page_urls")),
    path("campaigns/", include("campaigns.urls")),
    path("notices/", include("notices.urls")),
    path("api/v1/", include(api_v1)),
    path("api/l2/v1/", include("l2_ingest.urls")),
    path("admin/", admin.site.urls),
]

# A URL nothing answers: under /api/, a problem document like the APIs' other errors.
handler404 = "iqm_portal.views.page_not_found"
handler500 = "iqm_portal.views.server_error"

admin.site.site_header = "IQM audiences portal — operations"
admin.site.site_title = "IQM portal admin"
admin.site.index_title = "Organizations, users, L2 partner secrets and transmissions"
