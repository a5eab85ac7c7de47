from rest_framework.routers import SimpleRouter

from .api import AudienceViewSet

router = SimpleRouter()
router.register("audiences", AudienceViewSet, basename="audience")

urlpatterns = router.urls
