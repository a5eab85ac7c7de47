"""The API's documentation pages, under the portal's Content-Security-Policy (no inline script or style)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


# Swagger UI draws its icons as data: SVG images (an image cannot run script).
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI. The split view serves its start-up script as a file of its own (``?script``); our
    template takes the page's few styles from a stylesheet instead of an inline <style>."""

    template_name = "api/swagger_ui.html"


# Redoc styles itself at run time: styled-components and its bundled stylesheets write <style> elements
# (some before any nonce could reach them) and style attributes. Its page alone allows inline *styles*;
# scripts stay 'self' only, and the page shows nothing but our own schema. Its icons are data: images, and
# its sidebar always shows Redocly's logo from their CDN (no option turns it off): that one image origin is
# allowed too (the Referrer-Policy sends it no page address).
@method_decorator(
    csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:", "https://cdn.redoc.ly"]}), name="dispatch"
)
class ApiRedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
