"""Pluggable parts (SMS gateway, identity verifier) named in settings as ``package.module:function``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def load_callable(setting: str, value: str, builtins: Mapping[str, Callable]) -> Callable:
    """Return the built-in called ``value``, or the function a dotted path names."""
    if value in builtins:
        return builtins[value]
    module_name, sep, attr = value.partition(":")
    if not sep or not module_name or not attr:
        names = ", ".join(repr(name) for name in builtins)
        raise RuntimeError(f"{setting} {value!r}: use {names} or 'package.module:function'")
    found = getattr(importlib.import_module(module_name), attr, None)
    if not callable(found):
        raise RuntimeError(f"{setting} {value!r}: {attr!r} is not a function of {module_name}")
    return found
