"""Bootstrap 5's CSS and JavaScript, served by the app itself for ``cupola/base.html``.

The files come from the package the ``cupola[bootstrap]`` extra installs (Bootstrap-Flask,
which ships Bootstrap's built files; only those files are used, never its Python code), and
are served at ``/_cupola/bootstrap/<path>`` under the endpoint ``cupola.bootstrap``: no CDN,
nothing copied into the application. ``BOOTSTRAP = True`` turns it on (as adding
Bootstrap-Flask's extension or a Django app with static files would); it is off by default,
so an application with its own CSS, or none, gets no such route.
"""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

from cupola.exceptions import ImproperlyConfigured
from cupola.scaffold import RouteSpec
from cupola.static import CachePolicy, StaticView

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["ENDPOINT", "RULE", "bootstrap_folder", "bootstrap_route"]

#: The endpoint of the files, for ``url_for("cupola.bootstrap", filename="css/bootstrap.min.css")``.
ENDPOINT = "cupola.bootstrap"
#: Where the files are served; outside ``/static`` so that no app's own files are shadowed.
RULE = "/_cupola/bootstrap/<path:filename>"

_PACKAGE = "flask_bootstrap"  # the distribution is Bootstrap-Flask
_SUBFOLDER = ("static", "bootstrap5")


def _installed_folder() -> str | None:
    # NOTE: find_spec locates the package without importing it (it would import Flask).
    spec = importlib.util.find_spec(_PACKAGE)
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = os.path.join(location, *_SUBFOLDER)
        if os.path.isfile(os.path.join(folder, "css", "bootstrap.min.css")):
            return folder
    return None


def bootstrap_folder(config: Mapping[str, Any]) -> str | None:
    """The folder of Bootstrap's files to serve, or ``None`` when ``BOOTSTRAP`` is off.

    Raises:
        ImproperlyConfigured: When ``BOOTSTRAP`` is on and the files are not installed.
    """
    if not config.get("BOOTSTRAP"):
        return None
    folder = _installed_folder()
    if folder is None:
        raise ImproperlyConfigured(
            "BOOTSTRAP is True but Bootstrap's files are not installed: "
            "pip install 'cupola[bootstrap]', or set BOOTSTRAP = False."
        )
    return folder


def bootstrap_route(config: Mapping[str, Any], policy: CachePolicy) -> RouteSpec | None:
    """The route serving Bootstrap's files, when they are served."""
    folder = bootstrap_folder(config)
    if folder is None:
        return None
    return RouteSpec(RULE, ENDPOINT, StaticView(folder, policy), frozenset({"GET"}))
