"""The public names of ``cupola.security``: pinned, so that changing them is deliberate."""

from __future__ import annotations

import cupola.security


def test_all_is_pinned() -> None:
    assert cupola.security.__all__ == [
        "DEFAULT_MIDDLEWARE",
        "ProxyHeadersMiddleware",
        "SecurityHeadersMiddleware",
        "TrustedHostMiddleware",
        "is_safe_redirect",
    ]
    for name in cupola.security.__all__:
        assert hasattr(cupola.security, name), name


def test_default_middleware_paths_resolve_to_the_classes() -> None:
    from cupola.importing import import_string

    classes = [import_string(path) for path in cupola.security.DEFAULT_MIDDLEWARE]
    assert classes == [
        cupola.security.ProxyHeadersMiddleware,
        cupola.security.TrustedHostMiddleware,
        cupola.security.SecurityHeadersMiddleware,
    ]
