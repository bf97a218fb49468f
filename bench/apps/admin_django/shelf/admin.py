"""Django's admin options for the bench, as the Cupola side declares them."""

from django.contrib import admin

from .models import Author, Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "author", "price", "in_stock"]
    search_fields = ["title", "author__name"]
    list_filter = ["in_stock"]
    ordering = ["title"]
    list_per_page = 20


admin.site.register(Author)
