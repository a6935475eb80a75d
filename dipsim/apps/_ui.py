"""Small pieces the app pages share: friendly messages, figures as images, download links.

Nothing here prints or displays into a notebook's output: every result goes into a widget,
so a callback never spills text or figures into JupyterLab's Log console.
"""

from __future__ import annotations

import base64
import html
import io
import traceback
from contextlib import contextmanager
from typing import Iterator

import ipywidgets as widgets

from ..errors import InputError

STYLE = {"description_width": "initial"}


def esc(text: object) -> str:
    return html.escape(str(text))


def message(kind: str, text: str) -> str:
    """A visible message box: ``kind`` is info, ok, error."""
    colours = {"info": ("#e8f0fe", "#1a4d8f"), "ok": ("#e6f4ea", "#1e5631"), "error": ("#fdecea", "#8a1c1c")}
    bg, fg = colours[kind]
    role = ' role="alert"' if kind == "error" else ' role="status"'
    return (f'<div class="dipsim-{kind}"{role} style="background:{bg};color:{fg};padding:6px 10px;'
            f'border-radius:4px;margin:4px 0">{esc(text)}</div>')


def friendly(exc: BaseException) -> str:
    """An error as one sentence for the page (never a traceback)."""
    if isinstance(exc, InputError):
        return exc.one_line()
    if isinstance(exc, (ValueError, KeyError)):
        return str(exc).strip("'\"")
    return f"Something went wrong ({type(exc).__name__}: {exc}). Nothing was changed; try again or reset."


@contextmanager
def reported(box: widgets.HTML, busy: widgets.Button | None = None) -> Iterator[None]:
    """Run a callback's body; any error becomes a friendly message in ``box``."""
    if busy is not None:
        busy.disabled = True
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every error is shown, none escapes to the Log console
        box.value = message("error", friendly(exc))
        if not isinstance(exc, (InputError, ValueError)):
            traceback.print_exc()  # the server's terminal keeps the detail for whoever runs it
    finally:
        if busy is not None:
            busy.disabled = False


def inside(out: widgets.Output, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with its displays (the progress bar) in ``out``. An error is raised
    here, for :func:`reported` to show as a message (an Output widget would show a traceback)."""
    failure: list[BaseException] = []
    with out:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - re-raised below, outside the Output widget
            failure.append(exc)
    raise failure[0]


def figure_png(fig) -> bytes:
    """A matplotlib figure as PNG bytes (the figure is closed: nothing is left to show twice)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def image(png: bytes, alt: str) -> widgets.HTML:
    """A figure with alternative text a screen reader reads."""
    data = base64.b64encode(png).decode("ascii")
    return widgets.HTML(f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}" style="max-width:100%">')


def download_link(name: str, data: bytes, mime: str, label: str | None = None) -> str:
    """A link that saves ``data`` as ``name`` (embedded in the page: works offline, no server files)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a download="{esc(name)}" href="data:{mime};base64,{b64}" '
            f'style="margin-right:1.5em">{esc(label or name)}</a>')


def run_options(backend: str | None) -> dict:
    """Where the pages' runs execute: ``backend`` (default: DIPSIM_APP_BACKEND, else all cores
    in local processes) and DIPSIM_APP_WORKERS (``dipsim app --workers``)."""
    import os

    workers = os.environ.get("DIPSIM_APP_WORKERS")
    return {"backend": backend or os.environ.get("DIPSIM_APP_BACKEND", "processes"),
            "workers": int(workers) if workers else None}
