"""``Admin``: Django's model admin on an app's SQLAlchemy models, staff only.

``Admin(app, db)`` adds a blueprint at ``url_prefix`` (``/admin``) with Django's URLs; each
:meth:`Admin.register` adds a model with its :class:`~cupola.admin.ModelAdmin` options. Every
page but the login page needs an authenticated, active user whose ``is_staff`` is true
(``cupola.auth``'s current user): anonymous visitors are sent to the login page, other users
get 403. Changes go through the app's CSRF protection and are recorded in the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from cupola.admin.history import LogEntry, history_table
from cupola.admin.options import ModelAdmin
from cupola.admin.views import ModelPages
from cupola.auth import authenticate, login_user, logout_user
from cupola.blueprints import Blueprint
from cupola.context import get_request
from cupola.exceptions import Forbidden, ImproperlyConfigured, NotFound
from cupola.forms import Form, PasswordField, StringField, validators
from cupola.navigation import redirect, url_for
from cupola.security import is_safe_redirect
from cupola.templating import render

if TYPE_CHECKING:
    from collections.abc import Callable

    from cupola.app import Cupola
    from cupola.db import Database
    from cupola.http.response import Response

__all__ = ["Admin"]

#: Django's words for a refused admin login: they do not say which part was wrong.
LOGIN_ERROR = (
    "Please enter the correct username and password for a staff account. "
    "Note that both fields may be case-sensitive."
)


class LoginForm(Form):
    """The admin's login form (with the CSRF token of every Cupola form)."""

    username = StringField("Username", [validators.InputRequired()])
    password = PasswordField("Password", [validators.InputRequired()])


class Admin:
    """The admin site of an app: its models' change lists and forms, at ``url_prefix``.

    Args:
        app: The application (or call :meth:`init_app` later).
        db: The app's :class:`~cupola.db.Database`; the history table joins its models.
        url_prefix: Where the admin lives.
        title: The title of every admin page.
        user_lookup: ``user_lookup(username)`` returns the user or ``None``, for the admin's
            own login page; without it, logins go through the app's ``LOGIN_URL``.
        name: The blueprint's name (endpoints ``admin.index``, ``admin.changelist``…).

    Example:
        >>> admin = Admin(app, db, title="Bookshelf admin", user_lookup=find_user)
        >>> admin.register(Book, BookAdmin)
    """

    def __init__(
        self,
        app: Cupola | None = None,
        db: Database | None = None,
        *,
        url_prefix: str = "/admin",
        title: str = "Administration",
        user_lookup: Callable[[str], Any] | None = None,
        name: str = "admin",
    ) -> None:
        if db is None:
            raise ImproperlyConfigured("Admin(app, db): the admin needs the app's Database.")
        self.db = db
        self.title = title
        self.user_lookup = user_lookup
        self.registry: dict[str, ModelAdmin] = {}
        self.log = LogEntry(history_table(db.Model.metadata))
        self.blueprint = Blueprint(
            name,
            __name__,
            url_prefix=url_prefix,
            template_folder="templates",
            static_folder="static",
            static_url_path="/static",
        )
        self.pages = ModelPages(self)
        self._add_routes()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Cupola) -> None:
        """Register the admin's blueprint on ``app``."""
        app.register_blueprint(self.blueprint)

    def register(self, model: type, admin_class: type[ModelAdmin] = ModelAdmin) -> ModelAdmin:
        """Add ``model`` to the admin with the options of ``admin_class``.

        Raises:
            ImproperlyConfigured: When the model is registered already, or an option names
                something the model lacks.
        """
        model_admin = admin_class(model)
        if model_admin.slug in self.registry:
            raise ImproperlyConfigured(f"{model.__name__} is registered in the admin already.")
        self.registry[model_admin.slug] = model_admin
        return model_admin

    def model_admin(self, slug: str) -> ModelAdmin:
        """The registered :class:`ModelAdmin` of ``<model>`` in a URL, or 404."""
        model_admin = self.registry.get(slug)
        if model_admin is None:
            raise NotFound("No such model in the admin.")
        return model_admin

    def endpoint(self, name: str) -> str:
        """The full endpoint name of one of the admin's pages."""
        return f"{self.blueprint.name}.{name}"

    def _add_routes(self) -> None:
        bp, pages = self.blueprint, self.pages
        bp.before_request(self._check_access)
        bp.add_url_rule("/", "index", self.index)
        bp.add_url_rule("/login/", "login", self.login, methods=["GET", "POST"])
        bp.add_url_rule("/logout/", "logout", self.logout, methods=["POST"])
        bp.add_url_rule("/<model>/", "changelist", pages.changelist, methods=["GET", "POST"])
        bp.add_url_rule("/<model>/add/", "add", pages.add, methods=["GET", "POST"])
        bp.add_url_rule(
            "/<model>/<int:pk>/change/", "change", pages.change, methods=["GET", "POST"]
        )
        bp.add_url_rule(
            "/<model>/<int:pk>/delete/", "delete", pages.delete, methods=["GET", "POST"]
        )
        bp.add_url_rule("/<model>/<int:pk>/history/", "history", pages.history)

    # -- access ----------------------------------------------------------------------------

    def _login_url(self, next_path: str) -> str:
        if self.user_lookup is not None:
            return url_for(self.endpoint("login"), next=next_path)
        setting = get_request().app.config["LOGIN_URL"]
        base = setting if "/" in setting else url_for(setting)
        return f"{base}{'&' if '?' in base else '?'}{urlencode({'next': next_path})}"

    def _check_access(self) -> Response | None:
        request = get_request()
        if request.endpoint in (self.endpoint("login"), self.endpoint("static")):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect(self._login_url(request.full_path))
        if not (user.is_active and getattr(user, "is_staff", False)):
            raise Forbidden("The admin is for staff only.")
        return None

    # -- pages -----------------------------------------------------------------------------

    def page(self, template: str, **context: Any) -> str:
        """Render an admin template with what every admin page shows."""
        return render(f"cupola/admin/{template}", admin=self, **context)

    def index(self) -> str:
        """The models the user may see, with links, and the latest changes."""
        request = get_request()
        visible = [m for m in self.registry.values() if m.has_view_permission(request)]
        recent = self.log.recent(self.db.session)  # type: ignore[arg-type]  # a Session proxy
        return self.page("index.html", models=visible, recent=recent)

    def login(self) -> Response | str:
        """The admin's login page: staff users only; a refusal says nothing more."""
        request = get_request()
        if self.user_lookup is None:
            return redirect(self._login_url(request.args.get("next", "")))
        target = request.args.get("next", "")
        if not target or not is_safe_redirect(target):
            target = url_for(self.endpoint("index"))
        form = LoginForm()
        error = None
        if form.validate_on_submit():
            user = authenticate(
                form.username.data or "", form.password.data or "", self.user_lookup
            )
            if user is not None and getattr(user, "is_staff", False) and login_user(user):
                return redirect(target)
            error = LOGIN_ERROR
        elif request.method == "POST":
            error = LOGIN_ERROR
        form.password.data = ""  # never echoed
        return self.page("login.html", form=form, error=error, next=target)

    def logout(self) -> Response:
        """Log out (POST only) and return to the login page."""
        logout_user()
        return redirect(url_for(self.endpoint("login")) if self.user_lookup else "/")
