"""The portal's URLs plus views that fail, for the 500 handler's tests (pytest.mark.urls)."""

from django.urls import path

from iqm_portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("broken/", broken),
    path("api/v1/broken/", broken),
    *portal_urlpatterns,
]

handler404 = "iqm_portal.views.page_not_found"
handler500 = "iqm_portal.views.server_error"
