"""The bookshelf's admin at ``/admin/``: books, authors, reviews and accounts, for staff.

A reader becomes staff with ``python -m examples.showcase.users createsuperuser NAME``.
Accounts are only viewed and promoted here: readers sign up (and choose their password)
themselves, so the admin neither adds them nor touches their names or password hashes.
"""

from __future__ import annotations

from typing import Any

from cupola.admin import Admin, ModelAdmin
from examples.showcase.models import Author, Book, Review, User, db
from examples.showcase.users import find_user

admin = Admin(db=db, title="Bookshelf admin", user_lookup=find_user)


class BookAdmin(ModelAdmin):
    list_display = ["id", "title", "author", "year", "price"]
    search_fields = ["title", "author.name"]
    list_filter = ["author"]
    ordering = ["title"]
    list_per_page = 20
    help_texts = {"price_cents": "In cents: 1250 is $12.50."}

    def price(self, book: Book) -> str:
        return f"${book.price:,.2f}"


class AuthorAdmin(ModelAdmin):
    list_display = ["id", "name"]
    search_fields = ["name"]
    ordering = ["name"]


class ReviewAdmin(ModelAdmin):
    list_display = ["id", "book", "user", "rating", "created_at"]
    search_fields = ["body", "book.title"]
    list_filter = ["rating"]
    readonly_fields = ["created_at"]


class UserAdmin(ModelAdmin):
    list_display = ["id", "username", "is_staff"]
    search_fields = ["username"]
    list_filter = ["is_staff"]
    readonly_fields = ["username", "username_key", "password_hash"]

    def has_add_permission(self, request: Any) -> bool:
        return False


admin.register(Book, BookAdmin)
admin.register(Author, AuthorAdmin)
admin.register(Review, ReviewAdmin)
admin.register(User, UserAdmin)
