"""htmx helpers: progressive enhancement, partials and redirects that work in fragments."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request


def is_htmx() -> bool:
    """An htmx request that wants a fragment.

    Boosted navigation (hx-boost on <body>) and history restores want the whole page.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, partial: str | None = None, **context):
    """Render the page, or only its partial for htmx; the page includes that same partial."""
    template = partial if partial and is_htmx() else page
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str, code: int = 303):
    """Redirect; for htmx requests ask the client to navigate instead of swapping a fragment."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=code)
