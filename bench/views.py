"""The floor `make bench` measures every page against: the smallest Django view.

Mounted at /bench/floor only when MOSTY_BENCH=1 (config/urls.py). It goes
through the same gunicorn, settings and middleware as every page, so the ratio
page/floor is what the page itself costs.
"""

from django.http import HttpResponse


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")
