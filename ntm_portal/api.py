"""The REST API under /api/ (being built: see issue 7)."""

urlpatterns: list = []
