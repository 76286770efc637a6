"""Keep None, True and False alive on Python 3.11, whose PySide6 wheels over-release them.

PySide6 6.12 returns ``None`` from every wrapped void method, and ``True`` from
``Signal.emit()``, without taking a reference: right on Python 3.12+, where those objects are
immortal (PEP 683), wrong on 3.11. Each call costs one reference (an edit in the form about
170 of None's, a signal emit one of True's), so after a long session the count reached zero and
the interpreter aborted with ``Fatal Python error: none_dealloc`` (or ``bool_dealloc``), most
often while quitting, when the collector runs. Giving the three objects the kind of huge
reference count 3.12 gives them makes the over-release harmless; nothing else changes.
"""

from __future__ import annotations

import sys
from typing import Any

# As CPython 3.12 does for immortal objects: far more references than a process can drop.
PINNED_REFS = 1 << 40
SINGLETONS = (None, True, False)


def needs_pinning() -> bool:
    """CPython before 3.12 (mortal singletons), in a release build (the plain object header)."""
    return (
        sys.implementation.name == "cpython"
        and sys.version_info < (3, 12)
        and not hasattr(sys, "getobjects")  # Py_TRACE_REFS builds put two pointers first
    )


def pin_singletons() -> bool:
    """Give None, True and False a reference count no binding bug can use up; True if done.

    Idempotent: an object that already holds the pinned references is left alone.
    """
    if not needs_pinning():
        return False
    counter = _ssize_t()
    for obj in SINGLETONS:
        if sys.getrefcount(obj) >= PINNED_REFS:
            continue
        # ob_refcnt is the first field of a PyObject in a release build of CPython 3.11.
        refcount = counter.from_address(id(obj))
        before = sys.getrefcount(obj)
        refcount.value += PINNED_REFS
        if sys.getrefcount(obj) != before + PINNED_REFS:  # not the layout we expected
            refcount.value -= PINNED_REFS
            return False
    return True


def _ssize_t() -> Any:
    """ctypes' c_ssize_t, built from _ctypes alone: this runs before the window's first paint,
    and the ctypes package takes about 9 ms to import where _ctypes takes 1."""
    import _ctypes

    code = "q" if sys.maxsize > 2**32 else "i"  # Py_ssize_t is pointer-sized
    return type("c_ssize_t", (_ctypes._SimpleCData,), {"_type_": code})
