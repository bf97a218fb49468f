from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import generics, pagination, serializers

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///events.db"})
app.config["REST"] = {
    "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
    "PAGE_SIZE": 2,
}
db = Database(app)


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["id", "name"]


class Pages(pagination.PageNumberPagination):
    page_size_query_param = "size"  # ?size=10, at most max_page_size
    max_page_size = 50


class Timeline(pagination.CursorPagination):
    ordering = "-id"  # newest first; a unique, unchanging column


class EventList(generics.ListAPIView):
    queryset = select(Event)  # no ORDER BY: pages in primary-key order
    serializer_class = EventSerializer


class SizedEventList(EventList):
    pagination_class = Pages


class EventWindow(EventList):
    pagination_class = pagination.LimitOffsetPagination


class EventTimeline(EventList):
    pagination_class = Timeline


class QuickEventList(EventList):
    pagination_class = pagination.NoCountPageNumberPagination


app.add_url_rule("/events/", view_func=EventList.as_view("events"))
app.add_url_rule("/sized/", view_func=SizedEventList.as_view("sized"))
app.add_url_rule("/window/", view_func=EventWindow.as_view("window"))
app.add_url_rule("/timeline/", view_func=EventTimeline.as_view("timeline"))
app.add_url_rule("/quick/", view_func=QuickEventList.as_view("quick"))
