"""The model admin: Django's admin on SQLAlchemy models, for staff users.

``admin = Admin(app, db)`` then ``admin.register(Book, BookAdmin)``: change lists with
search, filters and sorting, add and change forms built from the columns, deletion with
confirmation, and a history of every change.
"""

from __future__ import annotations

from cupola.admin.options import ModelAdmin
from cupola.admin.site import Admin

__all__ = ["Admin", "ModelAdmin"]
