"""SQLAlchemy 2 and Alembic for Cupola apps: models, per-request sessions, migrations.

``db = Database(app)`` then ``class Book(db.Model)``, ``db.session``, ``db.get_or_404`` and
``db.paginate``; ``cupola db …`` manages migrations. ``SESSION_BACKEND = "database"`` keeps
server-side sessions in the same database.
"""

from __future__ import annotations

from cupola.db.database import Database, get_database
from cupola.db.model import NAMING_CONVENTION, SnakeCaseTableName
from cupola.db.pagination import Pagination

__all__ = ["NAMING_CONVENTION", "Database", "Pagination", "SnakeCaseTableName", "get_database"]
