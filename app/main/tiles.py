"""The home page's service tiles: each service's package registers its own.

A package calls :func:`register_tile` when it is imported (next to its blueprint); the home page
shows, in ``order``, the tiles whose endpoint the running app has, so a service that is not
installed has no tile and a new one needs no change here or in the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Tile:
    """One service on the home page.

    ``key`` makes the element id (``action-<key>``); ``endpoint`` is where the tile leads (it
    takes no arguments); ``title`` and ``text`` are lazy strings (English msgids); ``icon`` is a
    symbol of ``static/icons/sprite.svg``; ``primary`` makes it the first, full-width tile;
    ``boost`` False opens the page with a real load (pages with their own scripts).
    """

    key: str
    endpoint: str
    title: str
    text: str
    icon: str
    order: int = 100
    primary: bool = False
    boost: bool = True


_TILES: dict[str, Tile] = {}


def register_tile(tile: Tile) -> None:
    """Add (or replace, by ``key``) a service's tile."""
    _TILES[tile.key] = tile


def home_tiles() -> list[Tile]:
    """The tiles of the services this app serves, primary first, then by ``order`` and key."""
    routes = current_app.view_functions
    return sorted((t for t in _TILES.values() if t.endpoint in routes),
                  key=lambda t: (not t.primary, t.order, t.key))
