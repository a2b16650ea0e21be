"""One ASGI application for HTTP and websockets, served by daphne.

Websocket routes are wrapped in origin validation (only ALLOWED_HOSTS may open a socket) and
session authentication, so a consumer always knows who is on the other end.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from roleplay.engine_adapter import warm_up_in_background  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402

if settings.SERVER_PROCESS:
    warm_up_in_background()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
