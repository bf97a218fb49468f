"""Tagged JSON: the session's data format, JSON that keeps a few more Python types.

Sessions hold what views put in them, and views put in dates, ids and tuples. Values JSON
cannot express travel as a one-key object whose key names the type (``{"~dt": "…"}``); a
dict of the user's that happens to look like one is escaped, so any value round-trips.
Decoding only ever builds the types listed here: never pickle, so a leaked key cannot
become code execution.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from markupsafe import Markup

_PREFIX = "~"
_MARKER = '"' + _PREFIX  # how any tag starts in the JSON text
_ESCAPED_DICT = "~o"  # a user's one-key dict whose key starts with the prefix

_DECODERS: dict[str, Callable[[Any], Any]] = {
    "~t": tuple,
    "~b": lambda text: base64.b64decode(text, validate=True),
    "~m": Markup,
    "~u": UUID,
    "~dt": datetime.fromisoformat,
    "~d": date.fromisoformat,
    _ESCAPED_DICT: lambda pair: {pair[0]: pair[1]},
}


# NOTE: subclasses before their bases: datetime is a date.
_TAGGED: tuple[tuple[type, str, Callable[[Any], Any]], ...] = (
    (Markup, "~m", str),
    (bytes, "~b", lambda data: base64.b64encode(data).decode("ascii")),
    (UUID, "~u", lambda uuid: uuid.hex),
    (datetime, "~dt", lambda moment: moment.isoformat()),
    (date, "~d", lambda day: day.isoformat()),
)


def _encode(value: Any) -> Any:
    # NOTE: subclasses before their bases: Markup is a str, bool an int.
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and not isinstance(value, Markup):
        return value
    if isinstance(value, dict):
        return _encode_dict(value)
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"~t": [_encode(item) for item in value]}
    for kind, tag, dump in _TAGGED:
        if isinstance(value, kind):
            return {tag: dump(value)}
    raise TypeError(
        f"A session cannot hold a {type(value).__name__}: use JSON types (dict, list, str, "
        "int, float, bool, None) or datetime, date, UUID, bytes, tuple or Markup."
    )


def _encode_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    if len(value) == 1:
        key = next(iter(value))
        if isinstance(key, str) and key.startswith(_PREFIX):
            return {_ESCAPED_DICT: [key, _encode(value[key])]}
    return {key: _encode(item) for key, item in value.items()}


def _decode_object(obj: dict[str, Any]) -> Any:
    # PERF: json calls this for every object, innermost first; plain dicts leave at once.
    if len(obj) != 1:
        return obj
    key, value = next(iter(obj.items()))
    decoder = _DECODERS.get(key)
    return obj if decoder is None else decoder(value)


class TaggedJSONSerializer:
    """Serializes session data to compact JSON, tagging the types JSON lacks.

    Supported beyond JSON: ``datetime`` (naive or aware, microseconds kept), ``date``,
    ``UUID``, ``bytes``, ``tuple`` and ``markupsafe.Markup``, at any depth.

    Example:
        >>> from datetime import date
        >>> text = tagged_json.dumps({"day": date(2024, 5, 1), "pair": (1, 2)})
        >>> tagged_json.loads(text)
        {'day': datetime.date(2024, 5, 1), 'pair': (1, 2)}
    """

    def dumps(self, value: Any) -> str:
        """Serialize ``value`` to a JSON string.

        Raises:
            TypeError: For a value of an unsupported type.
        """
        return json.dumps(_encode(value), separators=(",", ":"))

    def loads(self, data: str | bytes) -> Any:
        """Parse JSON produced by :meth:`dumps`, restoring the tagged types.

        Raises:
            ValueError: When ``data`` is not valid tagged JSON.
        """
        text = data.decode() if isinstance(data, bytes) else data
        # PERF: every tag is a key starting with the prefix; without one, skip the hook.
        hook = _decode_object if _MARKER in text else None
        try:
            return json.loads(text, object_hook=hook)
        except (AttributeError, IndexError, KeyError, TypeError) as exc:  # a malformed tag
            raise ValueError(f"Invalid tagged JSON: {exc}") from exc


#: The serializer sessions use.
tagged_json = TaggedJSONSerializer()
