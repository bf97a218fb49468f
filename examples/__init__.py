"""Real applications built only on Cupola's public API."""
