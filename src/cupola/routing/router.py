"""Router: the table of rules that matches request paths and builds URLs.

Matching looks up rules without variables in a dict keyed by path, then walks a tree of
path segments: static children first, then converters by weight, converters spanning
several segments last, backtracking when a branch fails. Everything is indexed in
:meth:`Router.add`, so the cost of a match does not grow with the number of rules.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias

from cupola.exceptions import (
    BuildError,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestRedirect,
)
from cupola.routing.converters import DEFAULT_CONVERTERS, BaseConverter, ValidationError
from cupola.routing.rules import Rule, Segment, Slot

__all__ = ["Router"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A method no rule has: walking with it collects the methods of every matching rule.
_ANY_METHOD = ""


_Found: TypeAlias = tuple[Rule, list[Any]]
_Converts: TypeAlias = Callable[[str], Any]


class _Node:
    """One position in the segment tree, and the rules that end there."""

    __slots__ = ("branches", "children", "forks", "handlers", "methods", "slots", "spans")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.branches: list[tuple[Slot, _Node]] = []  # variable children, in try order
        # PERF: views of ``branches`` shaped for the walk, rebuilt when one is added.
        # ``slots`` match one segment each: (to_python, the slot if it has prefix or
        # suffix text to strip first, child); ``spans`` match several segments.
        self.slots: list[tuple[_Converts, Slot | None, _Node]] = []
        self.spans: list[tuple[Slot, _Node]] = []
        self.forks = False  # whether the walk may have to backtrack here
        self.handlers: dict[str, Rule] = {}  # method -> first rule ending here for it
        self.methods: set[str] = set()

    def child(self, segment: Segment) -> _Node:
        """Return the child for ``segment``, creating it in priority order if needed."""
        if isinstance(segment, str):
            return self.children.setdefault(segment, _Node())
        for slot, node in self.branches:
            if slot.key == segment.key:
                return node
        node = _Node()
        self.branches.append((segment, node))
        # NOTE: the sort is stable, so equal priorities keep registration order.
        self.branches.sort(key=_priority)
        self.slots = [
            (slot.converter.to_python, slot if slot.prefix or slot.suffix else None, child)
            for slot, child in self.branches
            if slot.converter.part_isolating
        ]
        self.spans = [branch for branch in self.branches if not branch[0].converter.part_isolating]
        self.forks = True
        return node

    def add(self, rule: Rule) -> None:
        """Let ``rule`` handle the paths ending here, after rules added before it."""
        for method in rule.methods:
            current = self.handlers.setdefault(method, rule)
            # An explicit OPTIONS view wins over an automatic answer from an earlier rule.
            if method == "OPTIONS" and current.automatic_options and not rule.automatic_options:
                self.handlers[method] = rule
        self.methods |= rule.methods


def _priority(branch: tuple[Slot, _Node]) -> tuple[int, int]:
    slot = branch[0]
    return slot.converter.weight, -len(slot.prefix) - len(slot.suffix)


class _Table:
    """The rules of one protocol: static paths by dict, the rest in the tree."""

    __slots__ = ("parents", "root", "static_rules")

    def __init__(self) -> None:
        self.root = _Node()
        # Paths without variables, each to its node's rules by method (Router.static_rules).
        self.static_rules: dict[str, dict[str, Rule]] = {}
        # Nodes reached by a path of static segments only, keyed by that path ("/a/b"),
        # whose variable children may end a rule: see Router.match.
        self.parents: dict[str, _Node] = {}

    def insert(self, rule: Rule) -> None:
        for segments in _forms(rule.segments, rule.strict_slashes):
            node = self.root
            prefix: str | None = ""
            for segment in segments:
                if isinstance(segment, str):
                    prefix = None if prefix is None else f"{prefix}/{segment}"
                elif prefix is not None:
                    self.parents[prefix] = node
                    prefix = None
                node = node.child(segment)
            node.add(rule)
            texts = [segment for segment in segments if isinstance(segment, str)]
            if len(texts) == len(segments):
                path = "/" + "/".join(texts)
                self.static_rules[path] = node.handlers

    def walk(self, path: str, method: str, seen: set[str] | None) -> _Found | None:
        """Find the first rule for ``path`` that allows ``method``.

        Args:
            path: The request path.
            method: The request method.
            seen: Receives the methods of the rules that match the path but not the method.
        """
        if path[:1] != "/" or (not path.isprintable() and _CONTROL.search(path)):
            return None
        return _walk(self.root, path.split("/"), 1, [], method, seen)


def _forms(segments: tuple[Segment, ...], strict_slashes: bool) -> list[tuple[Segment, ...]]:
    """The segment lists a rule matches: with ``strict_slashes`` off, '/' is optional."""
    if strict_slashes or segments == ("",):
        return [segments]
    if segments[-1] == "":
        return [segments, segments[:-1]]
    return [segments, (*segments, "")]


def _walk(
    node: _Node, parts: list[str], index: int, values: list[Any], method: str, seen: set[str] | None
) -> _Found | None:
    """Depth-first search below ``node`` for ``parts[index:]``.

    Static-only nodes are followed in a loop; where the tree forks, the static child is
    tried first, then one-segment converters, then converters spanning segments.
    """
    size = len(parts)
    while index < size:
        part = parts[index]
        index += 1
        if not node.forks:
            child = node.children.get(part)
            if child is None:
                return None
            node = child
            continue
        child = node.children.get(part)
        if child is not None:
            found = _walk(child, parts, index, values, method, seen)
            if found is not None:
                return found
        found = _slots(node, part, parts, index, values, method, seen)
        if found is not None:
            return found
        for slot, child in node.spans:
            found = _span(slot, child, parts, index - 1, values, method, seen)
            if found is not None:
                return found
        return None
    rule = node.handlers.get(method)
    if rule is not None:
        return rule, values
    if seen is not None:
        seen |= node.methods
    return None


def _slots(
    node: _Node,
    part: str,
    parts: list[str],
    index: int,
    values: list[Any],
    method: str,
    seen: set[str] | None,
) -> _Found | None:
    """Try the one-segment converters of ``node`` on ``part``, then what follows it."""
    for convert, affixed, child in node.slots:
        text = part if affixed is None else affixed.strip(part)
        if text is None:
            continue
        try:
            value = convert(text)
        except ValidationError:
            continue
        # PERF: a converter ending the path at a leaf needs no recursion.
        if index == len(parts) and not child.forks and not child.children:
            rule = child.handlers.get(method)
            if rule is not None:
                values.append(value)
                return rule, values
            if seen is not None:
                seen |= child.methods
            continue
        values.append(value)
        found = _walk(child, parts, index, values, method, seen)
        if found is not None:
            return found
        values.pop()
    return None


def _span(
    slot: Slot,
    node: _Node,
    parts: list[str],
    index: int,
    values: list[Any],
    method: str,
    seen: set[str] | None,
) -> _Found | None:
    """Try ``slot`` on ``parts[index:end]``, shortest first.

    Shortest first lets a longer rule sharing the span win: with ``/f/<path:p>`` and
    ``/f/<path:p>/raw``, ``/f/a/raw`` goes to the second with ``p="a"``.
    """
    # PERF: below a leaf only the whole rest of the path can match.
    leaf = not (node.children or node.branches)
    for end in range(len(parts) if leaf else index + 1, len(parts) + 1):
        text = slot.strip("/".join(parts[index:end]))
        if text is None:
            continue
        try:
            values.append(slot.converter.to_python(text))
        except ValidationError:
            continue
        found = _walk(node, parts, end, values, method, seen)
        if found is not None:
            return found
        values.pop()
    return None


class Router:
    """Matches paths to rules and builds URLs from endpoints.

    Args:
        converters: Extra or replacement converter classes by name, merged over
            :data:`~cupola.routing.converters.DEFAULT_CONVERTERS`.

    Example:
        >>> router = Router()
        >>> router.add(Rule("/items/<int:item_id>", endpoint="show"))
        >>> router.match("/items/42", "GET")
        (<Rule '/items/<int:item_id>' (GET, HEAD, OPTIONS) -> show>, {'item_id': 42})
        >>> router.build("show", {"item_id": 42, "q": "x"})
        '/items/42?q=x'
    """

    def __init__(self, converters: Mapping[str, type[BaseConverter]] | None = None) -> None:
        self.converters: dict[str, type[BaseConverter]] = {
            **DEFAULT_CONVERTERS,
            **(converters or {}),
        }
        self._http = _Table()
        self._websocket = _Table()
        #: The HTTP rules of paths without variables: path, then method, to the rule
        #: :meth:`match` finds first (kept up to date as rules are added; read it only).
        self.static_rules: Mapping[str, Mapping[str, Rule]] = self._http.static_rules
        self._rules: list[Rule] = []
        self._endpoints: dict[str, list[Rule]] = {}

    def add(self, rule: Rule) -> None:
        """Bind ``rule`` to this router's converters and index it.

        Args:
            rule: The rule; among rules matching the same path and method, the one
                added first wins.

        Raises:
            ImproperlyConfigured: The rule uses an unknown converter or bad arguments.
        """
        rule.bind(self.converters)
        (self._websocket if rule.websocket else self._http).insert(rule)
        self._rules.append(rule)
        rules = self._endpoints.setdefault(rule.endpoint, [])
        rules.append(rule)
        # NOTE: as in Flask, building prefers rules that use more of the values, then
        # rules with more defaults; the stable sort keeps registration order otherwise.
        rules.sort(key=lambda r: (-len(r.arguments | r.defaults.keys()), -len(r.defaults)))

    # PERF: ``websocket`` is not keyword-only: a function with a keyword-only parameter
    # takes the interpreter's slow call path on every call.
    def match(self, path: str, method: str, websocket: bool = False) -> tuple[Rule, dict[str, Any]]:
        """Find the rule for a request.

        Args:
            path: The percent-decoded request path, e.g. ``"/items/42"``.
            method: The request method, uppercase.
            websocket: Match WebSocket rules instead of HTTP rules.

        Returns:
            The rule and the view arguments: converted values plus the rule's defaults.

        Raises:
            NotFound: No rule matches the path (or it contains a control character).
            MethodNotAllowed: Rules match the path, but none allows ``method``.
            RequestRedirect: Only the path with '/' appended matches; ``new_url`` is that
                path, still decoded: the caller quotes it and adds the root path and query.
        """
        table = self._websocket if websocket else self._http
        # PERF: a path without variables costs two dict lookups.
        handlers = table.static_rules.get(path)
        if handlers is not None:
            rule = handlers.get(method)
            if rule is not None:
                # PERF: a display copies with no call (dict() is one).
                return rule, {**rule.defaults}
        # PERF: the checks of _Table.walk, inlined for the common case.
        if path[:1] == "/" and path.isprintable():
            matched = _match_last(table, path, method)
            if matched is not None:
                return matched
            found = _walk(table.root, path.split("/"), 1, [], method, None)
        else:
            found = table.walk(path, method, None)
        if found is not None:
            rule, values = found
            if rule._single_name is not None:
                return rule, {rule._single_name: values[0]}
            return rule, rule.make_values(values)
        raise _miss(table, path)

    def allowed_methods(self, path: str, *, websocket: bool = False) -> list[str]:
        """Return the sorted methods of all rules matching ``path`` (``[]`` for none).

        Args:
            path: The percent-decoded request path.
            websocket: Look at WebSocket rules instead of HTTP rules.
        """
        seen: set[str] = set()
        (self._websocket if websocket else self._http).walk(path, _ANY_METHOD, seen)
        return sorted(seen)

    def build(self, endpoint: str, values: Mapping[str, Any], *, method: str | None = None) -> str:
        """Write the URL of ``endpoint``.

        Args:
            endpoint: The endpoint name of one or more rules.
            values: Values for the rule's variables; the others become the query
                string (a list or tuple repeats its key; ``None`` values are left out).
            method: Only consider rules that allow this method.

        Returns:
            The percent-encoded path, with ``?query`` when values are left over.

        Raises:
            BuildError: The endpoint does not exist, or no rule fits the values; the
                message names the missing or rejected values.
        """
        rules = self._endpoints.get(endpoint)
        if rules is None:
            raise BuildError(endpoint, self._unknown(endpoint))
        given = {key: value for key, value in values.items() if value is not None}
        wanted = method.upper() if method is not None else None
        problems: list[str] = []
        for rule in rules:
            problem = rule.mismatch(given, wanted)
            if problem is None:
                try:
                    return rule.build(given)
                except ValidationError as exc:
                    problem = str(exc)
            problems.append(problem)
        raise BuildError(endpoint, "; ".join(problems))

    def _unknown(self, endpoint: str) -> str:
        message = f"there is no endpoint named {endpoint!r}"
        close = difflib.get_close_matches(endpoint, self._endpoints, n=3)
        if close:
            message += f"; did you mean {' or '.join(map(repr, close))}?"
        return message

    def iter_rules(self) -> Iterator[Rule]:
        """Iterate over all rules, HTTP and WebSocket, in the order they were added."""
        return iter(self._rules)

    def is_websocket(self, endpoint: str) -> bool:
        """Whether ``endpoint`` names WebSocket rules."""
        rules = self._endpoints.get(endpoint)
        return rules is not None and rules[0].websocket

    def has_endpoint(self, endpoint: str) -> bool:
        """Whether a rule with this endpoint was added."""
        return endpoint in self._endpoints


def _match_last(table: _Table, path: str, method: str) -> tuple[Rule, dict[str, Any]] | None:
    """The common dynamic rule: static segments, then one plain variable; else ``None``.

    The node reached by the static prefix is where the walk would try the variable first,
    so the result is the walk's; anything less simple is left to the walk.
    """
    # PERF: two dict lookups and a conversion.
    prefix, _, last = path.rpartition("/")
    parent = table.parents.get(prefix)
    # PERF: no hash of the last segment when the parent has no static children.
    if parent is None or not last or (parent.children and last in parent.children):
        return None
    for convert, affixed, child in parent.slots:
        if affixed is not None or child.forks or child.children:
            return None
        try:
            value = convert(last)
        except ValidationError:
            continue
        rule = child.handlers.get(method)
        if rule is not None and rule._single_name is not None:
            return rule, {rule._single_name: value}
        return None
    return None


def _miss(table: _Table, path: str) -> HTTPException:
    """The error for a path no rule answers: 405, a redirect to add '/', or 404."""
    seen: set[str] = set()  # PERF: gathered only once the fast walk has failed
    table.walk(path, _ANY_METHOD, seen)
    if seen:
        return MethodNotAllowed(seen)
    if not path.endswith("/") and table.walk(path + "/", _ANY_METHOD, seen) is None and seen:
        return RequestRedirect(path + "/")
    return NotFound()
