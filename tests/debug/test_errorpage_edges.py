"""The debug page outside a request, for code without source and for a looping chain."""

from __future__ import annotations

from cupola.debug.errorpage import exception_chain, render_debug_page


def raise_from_generated_code() -> ValueError:
    namespace: dict[str, object] = {}
    exec(
        compile("def fail():\n    raise ValueError('made <here>')\n", "<generated>", "exec"),
        namespace,
    )
    try:
        namespace["fail"]()  # type: ignore[operator]
    except ValueError as exc:
        return exc
    raise AssertionError("no exception")


def test_page_outside_a_request_for_code_without_source() -> None:
    page = render_debug_page(raise_from_generated_code(), None)
    assert "<title>" in page and "ValueError" in page
    assert '<p class="message">made &lt;here&gt;</p>' in page
    assert "Source not available." in page  # the frame of the generated code
    assert 'class="where"' not in page and 'id="request"' not in page  # no request to show


def test_chain_that_loops_back_is_shown_once() -> None:
    first, second = ValueError("first"), KeyError("second")
    first.__cause__, second.__cause__ = second, first  # only by hand: raise never loops
    assert exception_chain(first) == [
        (first, "Raised"),
        (second, "Direct cause of the exception above"),
    ]
