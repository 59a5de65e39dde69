app_name = "shortlinks"

# Share pages (/i/<id>/) and short links (/s/<code>) arrive with the short-links feature.
urlpatterns: list = []
