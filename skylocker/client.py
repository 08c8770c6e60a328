"""The address a request came from, for log-in lockouts (django-axes) and rate limits (DRF).

One rule for both: REMOTE_ADDR, or, with SKYLOCKER_PROXIES=N load balancers in front of the
app, the address the outermost one appended to X-Forwarded-For. Whatever a client writes into
X-Forwarded-For itself is never taken as its address, so it cannot dodge a lockout by changing it.
"""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    # DRF's reading of REMOTE_ADDR and X-Forwarded-For under REST_FRAMEWORK["NUM_PROXIES"].
    # get_ident reads request.META only, which a plain Django request has too.
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]
