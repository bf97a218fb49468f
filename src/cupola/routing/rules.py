"""Rules: one URL pattern with its endpoint, methods, defaults and payload.

A rule string such as ``/items/<int:item_id>`` is parsed when the :class:`Rule` is
created. :meth:`Rule.bind` then turns its variables into converter instances; the router
indexes the bound segments for matching and calls :meth:`Rule.build` to write URLs.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias
from urllib.parse import quote, urlencode

from cupola.exceptions import ImproperlyConfigured
from cupola.routing.converters import BaseConverter, ValidationError

__all__ = ["Rule", "Segment", "Slot"]

_PLACEHOLDER = re.compile(r"<([^<>]*)>")
_VARIABLE = re.compile(
    r"(?:(?P<converter>[A-Za-z_]\w*)(?:\((?P<args>.*)\))?:)?(?P<name>[^\W\d]\w*)", re.S
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters kept unescaped in the static text of a built URL (RFC 3986 §3.3).
_URL_SAFE = "!$&'()*+,;=:@/"

_Literal: TypeAlias = int | float | str | None


@dataclass(frozen=True, slots=True)
class _Variable:
    """A parsed ``<converter(args):name>`` before converters are known."""

    name: str
    converter: str
    args: tuple[_Literal, ...]
    kwargs: tuple[tuple[str, _Literal], ...]


@dataclass(frozen=True, slots=True)
class Slot:
    """A variable segment of a bound rule: ``prefix``, a converted value, ``suffix``.

    Attributes:
        prefix: Static text before the variable within the segment (often empty).
        suffix: Static text after the variable within the segment (often empty).
        name: The variable name.
        converter: The converter instance that matches and writes the value.
        key: Equal for slots that accept the same text the same way, so that rules
            sharing a prefix of slots share a branch of the router's tree.
    """

    prefix: str
    suffix: str
    name: str
    converter: BaseConverter
    key: tuple[Any, ...]

    def strip(self, text: str) -> str | None:
        """Return ``text`` without prefix and suffix, or ``None`` when they are absent."""
        if (
            len(text) < len(self.prefix) + len(self.suffix)
            or not text.startswith(self.prefix)
            or not text.endswith(self.suffix)
        ):
            return None
        return text[len(self.prefix) : len(text) - len(self.suffix)]


#: One '/'-separated part of a bound rule: static text or a :class:`Slot`.
Segment: TypeAlias = str | Slot
_Template: TypeAlias = str | tuple[str, _Variable, str]


class Rule:
    """A URL pattern that routes to an endpoint.

    Args:
        rule: The pattern, starting with '/'; variables are written ``<name>``,
            ``<converter:name>`` or ``<converter(args):name>``, one per path segment,
            optionally with static text around it (``/<name>.json``).
        endpoint: The name ``url_for`` builds with.
        methods: HTTP methods answered (case-insensitive); ``None`` means GET. GET adds
            HEAD, and OPTIONS is added unless ``provide_automatic_options`` is false.
        target: Opaque payload (usually the view) returned with the match.
        defaults: Values passed to the view in addition to the converted ones; when
            building, a value equal to a default selects this rule.
        strict_slashes: When true, ``/dir`` redirects to the rule ``/dir/``; when false,
            both forms match this rule.
        websocket: The rule answers WebSocket handshakes (GET only) instead of HTTP.
        provide_automatic_options: Add OPTIONS, answered by the application.

    Raises:
        ImproperlyConfigured: The pattern or the methods are malformed.

    Example:
        >>> Rule("/items/<int:item_id>", endpoint="show")
        <Rule '/items/<int:item_id>' (GET, HEAD, OPTIONS) -> show>
    """

    def __init__(
        self,
        rule: str,
        *,
        endpoint: str,
        methods: Iterable[str] | None = None,
        target: Any = None,
        defaults: Mapping[str, Any] | None = None,
        strict_slashes: bool = True,
        websocket: bool = False,
        provide_automatic_options: bool = True,
    ) -> None:
        self.rule = rule
        self.endpoint = endpoint
        self.target = target
        self.defaults: Mapping[str, Any] = dict(defaults or {})
        self.strict_slashes = strict_slashes
        self.websocket = websocket
        self.methods, self.automatic_options = _methods(
            rule, methods, websocket=websocket, automatic_options=provide_automatic_options
        )
        self._templates = _parse(rule)
        self._names = tuple(
            template[1].name for template in self._templates if not isinstance(template, str)
        )
        self.arguments = frozenset(self._names)
        if len(self.arguments) != len(self._names):
            duplicate = next(name for name in self._names if self._names.count(name) > 1)
            raise ImproperlyConfigured(
                f"rule {rule!r} uses the variable {duplicate!r} twice; rename one of them"
            )
        # PERF: the name of a rule's only variable when it has no defaults (the common
        # dynamic rule), so the router builds its values without a call.
        self._single_name = self._names[0] if len(self._names) == 1 and not self.defaults else None
        self._required = tuple(sorted(self.arguments.difference(self.defaults)))
        # Defaults that are not URL variables: building requires values equal to them.
        self._fixed = tuple((k, v) for k, v in self.defaults.items() if k not in self.arguments)
        self._segments: tuple[Segment, ...] | None = None
        self._plan: tuple[str | Slot, ...] = ()

    def __repr__(self) -> str:
        kind = "websocket" if self.websocket else ", ".join(sorted(self.methods))
        return f"<Rule {self.rule!r} ({kind}) -> {self.endpoint}>"

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The '/'-separated parts of the rule after :meth:`bind`, without the leading ''.

        Raises:
            RuntimeError: The rule was not bound yet.
        """
        if self._segments is None:
            raise RuntimeError(f"{self!r} is not bound; add it to a Router first")
        return self._segments

    def bind(self, converters: Mapping[str, type[BaseConverter]]) -> None:
        """Create the converters of the rule's variables; the router calls this in ``add``.

        Args:
            converters: Converter classes by the name used in rules.

        Raises:
            ImproperlyConfigured: A converter is unknown or rejects its arguments.
        """
        segments = tuple(self._bind_template(t, converters) for t in self._templates)
        plan: list[str | Slot] = []
        text = ""
        for segment in segments:
            if isinstance(segment, str):
                text += "/" + quote(segment, safe=_URL_SAFE)
                continue
            plan += [text + "/" + quote(segment.prefix, safe=_URL_SAFE), segment]
            text = quote(segment.suffix, safe=_URL_SAFE)
        plan.append(text)
        self._segments = segments
        self._plan = tuple(part for part in plan if part != "")

    def _bind_template(
        self, template: _Template, converters: Mapping[str, type[BaseConverter]]
    ) -> Segment:
        if isinstance(template, str):
            return template
        prefix, variable, suffix = template
        try:
            cls = converters[variable.converter]
        except KeyError:
            raise ImproperlyConfigured(
                f"rule {self.rule!r} uses the unknown converter {variable.converter!r}; "
                f"use one of {sorted(converters)} or register it with "
                "Router(converters={...})"
            ) from None
        try:
            converter = cls(*variable.args, **dict(variable.kwargs))
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"rule {self.rule!r}: bad arguments for the converter "
                f"{variable.converter!r} ({exc}); check its signature"
            ) from None
        key = (prefix, suffix, cls, variable.args, variable.kwargs)
        return Slot(prefix, suffix, variable.name, converter, key)

    def make_values(self, converted: Sequence[Any]) -> dict[str, Any]:
        """Return the view arguments: the defaults updated with the converted values.

        Args:
            converted: Converted values in the order their variables appear in the rule.
        """
        # PERF: a single variable is the common case and a literal is 4x faster than
        # dict(zip()); the lengths match by construction, and any strict= argument to
        # zip() (even strict=False) costs more than building the dict.
        if len(converted) == 1:
            values = {self._names[0]: converted[0]}
        else:
            values = dict(zip(self._names, converted))  # noqa: B905
        return {**self.defaults, **values} if self.defaults else values

    def mismatch(self, values: Mapping[str, Any], method: str | None = None) -> str | None:
        """Say why this rule cannot build a URL from ``values``, or return ``None``.

        Args:
            values: The values given to ``url_for``, without ``None`` values.
            method: The method the URL is for, or ``None`` for any.

        Returns:
            A message naming the problem, or ``None`` when the rule is suitable.
        """
        if method is not None and method not in self.methods:
            return f"the rule {self.rule!r} does not allow {method} (only {sorted(self.methods)})"
        missing = [name for name in self._required if name not in values]
        if missing:
            needed = list(self._required)
            return f"missing values {missing} (the rule {self.rule!r} needs {needed})"
        for key, default in self._fixed:
            if key in values and values[key] != default:
                return (
                    f"{key}={values[key]!r} differs from the rule {self.rule!r}, "
                    f"which sets {key}={default!r}"
                )
        return None

    def build(self, values: Mapping[str, Any]) -> str:
        """Write the URL path of this rule, with unused values as a query string.

        Args:
            values: Values for the variables (defaults fill the gaps) and extra query
                parameters; a list or tuple repeats its key, ``None`` is left out.

        Returns:
            The percent-encoded path, followed by ``?query`` when there are extras.

        Raises:
            ValidationError: A converter rejects its value; the message names it.
        """
        parts: list[str] = []
        for part in self._plan:
            if isinstance(part, str):
                parts.append(part)
                continue
            value = values[part.name] if part.name in values else self.defaults[part.name]
            try:
                parts.append(part.converter.to_url(value))
            except ValidationError as exc:
                raise ValidationError(
                    f"{part.name}={value!r} does not fit the rule {self.rule!r} ({exc})"
                ) from None
        path = "".join(parts)
        query = urlencode(list(_query_pairs(values, self.arguments, self.defaults)))
        return f"{path}?{query}" if query else path


def _query_pairs(
    values: Mapping[str, Any], arguments: frozenset[str], defaults: Mapping[str, Any]
) -> Iterable[tuple[str, Any]]:
    for key, value in values.items():
        if key in arguments or key in defaults:
            continue
        items = value if isinstance(value, list | tuple) else (value,)
        yield from ((key, item) for item in items if item is not None)


def _methods(
    rule: str, methods: Iterable[str] | None, *, websocket: bool, automatic_options: bool
) -> tuple[frozenset[str], bool]:
    """Normalise the methods of a rule; return them and whether OPTIONS was added."""
    if isinstance(methods, str):
        raise ImproperlyConfigured(
            f"rule {rule!r}: methods must be a list of names, e.g. methods=[{methods!r}]"
        )
    names = {"GET"} if methods is None else {method.upper() for method in methods}
    if websocket:
        if names != {"GET"}:
            raise ImproperlyConfigured(
                f"websocket rule {rule!r} answers GET handshakes only; drop methods="
            )
        return frozenset(names), False
    if not names:
        raise ImproperlyConfigured(f"rule {rule!r} has no methods; list at least one")
    if "GET" in names:
        names.add("HEAD")
    added = automatic_options and "OPTIONS" not in names
    if added:
        names.add("OPTIONS")
    return frozenset(names), added


def _parse(rule: str) -> tuple[_Template, ...]:
    """Split a rule string into static segments and ``(prefix, variable, suffix)``."""
    if not rule.startswith("/"):
        raise ImproperlyConfigured(f"rule {rule!r} must start with '/'; write {'/' + rule!r}")
    if _CONTROL.search(rule):
        raise ImproperlyConfigured(f"rule {rule!r} contains a control character; remove it")
    segments: list[list[str | _Variable]] = [[]]
    for index, piece in enumerate(_PLACEHOLDER.split(rule)):
        if index % 2:
            segments[-1].append(_parse_variable(piece, rule))
            continue
        if "<" in piece or ">" in piece:
            raise ImproperlyConfigured(
                f"rule {rule!r} has an unmatched '<' or '>'; write variables as <converter:name>"
            )
        first, *rest = piece.split("/")
        segments[-1].append(first)
        segments += [[text] for text in rest]
    return tuple(_template(segment, rule) for segment in segments[1:])


def _template(pieces: list[str | _Variable], rule: str) -> _Template:
    variables = [piece for piece in pieces if isinstance(piece, _Variable)]
    if not variables:
        return "".join(str(piece) for piece in pieces)
    if len(variables) > 1:
        raise ImproperlyConfigured(
            f"rule {rule!r} has several variables in one path segment; "
            "give each variable its own segment, separated by '/'"
        )
    at = pieces.index(variables[0])
    prefix = "".join(str(piece) for piece in pieces[:at])
    suffix = "".join(str(piece) for piece in pieces[at + 1 :])
    return (prefix, variables[0], suffix)


def _parse_variable(text: str, rule: str) -> _Variable:
    match = _VARIABLE.fullmatch(text)
    if match is None or keyword.iskeyword(match["name"]):
        raise ImproperlyConfigured(
            f"rule {rule!r} has the malformed variable <{text}>; write <name>, "
            "<converter:name> or <converter(args):name> with a Python identifier as name "
            "(not a keyword)"
        )
    args: tuple[_Literal, ...] = ()
    kwargs: tuple[tuple[str, _Literal], ...] = ()
    if match["args"] is not None:
        args, kwargs = _parse_arguments(match["args"], rule)
    return _Variable(match["name"], match["converter"] or "default", args, kwargs)


def _parse_arguments(
    text: str, rule: str
) -> tuple[tuple[_Literal, ...], tuple[tuple[str, _Literal], ...]]:
    """Parse ``1, max=9, word`` into literals; a bare word is a string (``any(a, b)``)."""
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        if not isinstance(call, ast.Call):
            raise SyntaxError(text)
        args = tuple(_literal(node) for node in call.args)
        kwargs = tuple((_keyword(item.arg), _literal(item.value)) for item in call.keywords)
    except (SyntaxError, ValueError):
        raise ImproperlyConfigured(
            f"rule {rule!r} has malformed converter arguments ({text}); use literals such as "
            "1, 2.5, 'text', True, None or bare words, positional or as key=value"
        ) from None
    return args, kwargs


def _keyword(name: str | None) -> str:
    if name is None:
        raise ValueError("**kwargs")
    return name


def _literal(node: ast.expr) -> _Literal:
    if isinstance(node, ast.Name):
        return node.id
    value: object = ast.literal_eval(node)
    if value is None or isinstance(value, int | float | str):
        return value
    raise ValueError(value)
