import os

from cupola import Cupola

app = Cupola(
    __name__,
    config={
        # Every process that shares this Redis database shares the groups.
        "CHANNEL_LAYER": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CHANNEL_CAPACITY": 200,  # messages waiting per connection; then the oldest go
        "CHANNEL_EXPIRY": 30,  # seconds before an unread message is dropped
        "CHANNEL_GROUP_EXPIRY": 24 * 60 * 60,  # a membership lasts a day unless renewed
        "CHANNEL_PREFIX": "bookshop:channels:",  # keys, when apps share one database
    },
)
