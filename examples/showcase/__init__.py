"""The bookshelf showcase: a small site built only on Cupola's public API.

Serve it with ``cupola run --app examples.showcase.app:app``.
"""
