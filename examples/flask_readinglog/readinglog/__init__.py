"""A reading log written the Flask way: an app factory, blueprints, sqlite3 held in ``g``.

Run it with Flask (``flask --app readinglog init-db``) or, after switching the import
lines to ``cupola.flask``, with Cupola (``cupola --app readinglog init-db``).
"""

import os

from flask import Flask


def create_app(test_config=None):
    """Create and configure the app."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="change-me-in-instance-config",
        DATABASE=os.path.join(app.instance_path, "readinglog.sqlite"),
    )
    if test_config is None:
        # Deployment settings (a real SECRET_KEY) live outside the code.
        app.config.from_pyfile("settings.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    @app.route("/ping")
    def ping():
        return "pong"

    from . import db

    db.init_app(app)

    from . import auth, log

    app.register_blueprint(auth.bp)
    app.register_blueprint(log.bp)
    # The front page is the log's list; "index" names it for url_for.
    app.add_url_rule("/", endpoint="index")
    return app
