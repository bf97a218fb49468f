from cupola import Blueprint, Cupola, render

admin = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="admin_templates",
    static_folder="admin_static",
    static_url_path="/static",
)


@admin.get("/")
def dashboard():
    return render("admin/dashboard.html", users=42)


app = Cupola(__name__)
app.register_blueprint(admin)
