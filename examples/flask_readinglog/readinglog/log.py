"""The log itself: everyone's entries, and adding, changing and removing one's own."""

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for

from readinglog.auth import login_required
from readinglog.db import get_db

bp = Blueprint("log", __name__)

_ENTRIES = (
    "SELECT e.id, title, note, logged, reader_id, username"
    " FROM entry e JOIN reader r ON e.reader_id = r.id"
)


@bp.route("/")
def index():
    """Every entry, newest first."""
    entries = get_db().execute(_ENTRIES + " ORDER BY logged DESC, e.id DESC").fetchall()
    return render_template("log/index.html", entries=entries)


@bp.route("/entries.json")
def entries_json():
    """The entries as JSON."""
    rows = get_db().execute(_ENTRIES + " ORDER BY e.id").fetchall()
    return jsonify(
        [{"id": row["id"], "title": row["title"], "by": row["username"]} for row in rows]
    )


def get_entry(entry_id, check_reader=True):
    """The entry, or 404; 403 when it belongs to someone else."""
    entry = get_db().execute(_ENTRIES + " WHERE e.id = ?", (entry_id,)).fetchone()
    if entry is None:
        abort(404, f"Entry {entry_id} doesn't exist.")
    if check_reader and entry["reader_id"] != g.user["id"]:
        abort(403)
    return entry


def _form():
    title, note = request.form["title"], request.form["note"]
    if not title:
        flash("A title is required.")
        return None
    return title, note


@bp.route("/add", methods=("GET", "POST"))
@login_required
def add():
    """Log a book."""
    if request.method == "POST":
        values = _form()
        if values is not None:
            db = get_db()
            db.execute(
                "INSERT INTO entry (title, note, reader_id) VALUES (?, ?, ?)",
                (*values, g.user["id"]),
            )
            db.commit()
            return redirect(url_for("log.index"))
    return render_template("log/add.html")


@bp.route("/<int:id>/edit", methods=("GET", "POST"))
@login_required
def edit(id):
    """Change one's own entry."""
    entry = get_entry(id)
    if request.method == "POST":
        values = _form()
        if values is not None:
            db = get_db()
            db.execute("UPDATE entry SET title = ?, note = ? WHERE id = ?", (*values, id))
            db.commit()
            return redirect(url_for("log.index"))
    return render_template("log/edit.html", entry=entry)


@bp.route("/<int:id>/remove", methods=("POST",))
@login_required
def remove(id):
    """Remove one's own entry."""
    get_entry(id)
    db = get_db()
    db.execute("DELETE FROM entry WHERE id = ?", (id,))
    db.commit()
    return redirect(url_for("log.index"))
