"""The planner page: how many CJIT workers, on what rota, to meet the area's targets.

Widgets over :mod:`dipsim.apps.planning`; ``PlannerApp().widget`` works in Voilà
(``dipsim app``) and in JupyterLab alike. The answer is ``dipsim capacity``'s, word for word,
with its figure, the evidence and the files to download.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import ipywidgets as widgets

from .. import plots
from ..errors import InputError
from ..kpis import label as kpi_label_of
from ..scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from ..scenario.loader import shipped_names
from ._ui import STYLE, download_link, esc, figure_png, image, inside, message, reported, run_options
from .planning import (DAY_NAMES, DAYS, DEFAULT_TARGETS, POOLS, TARGET_KPIS, PlannerRun, PlannerSettings,
                       rota_by_day, rota_is_simple, run_capacity)

MIME = {".csv": "text/csv", ".yaml": "text/yaml", ".json": "application/json", ".txt": "text/plain",
        ".parquet": "application/octet-stream"}
N_TARGETS = 3


def _kpi_label(k: str) -> str:
    return f"{kpi_label_of(k)} ({k})"


class RotaTable:
    """One pool's rota by day: on duty or not, start and end hour."""

    def __init__(self, pool: str):
        w = widgets
        self.pool = pool
        self.change = w.Checkbox(value=False, description=f"Change the {pool} rota", style=STYLE)
        self.rows = {}
        for d in DAYS:
            on = w.Checkbox(value=False, description=f"{pool.capitalize()} {DAY_NAMES[d]}: on duty", style=STYLE,
                            layout=w.Layout(width="300px"))
            start = w.BoundedFloatText(value=9, min=0, max=24, step=0.5, description=f"{pool.capitalize()} {DAY_NAMES[d]} start (hour)",
                                       style=STYLE, layout=w.Layout(width="330px"))
            end = w.BoundedFloatText(value=17, min=0, max=24, step=0.5, description=f"{pool.capitalize()} {DAY_NAMES[d]} end (hour)",
                                     style=STYLE, layout=w.Layout(width="330px"))
            self.rows[d] = (on, start, end)
        self.note = w.HTML()
        self.box = w.VBox([w.HBox(r) for r in self.rows.values()])
        self.change.observe(lambda _: self._enable(), "value")
        self.widget = w.VBox([self.change, self.note, self.box])

    def load(self, scenario: Scenario) -> None:
        for d, shift in rota_by_day(scenario, self.pool).items():
            on, start, end = self.rows[d]
            on.value = shift is not None
            if shift is not None:
                start.value, end.value = shift
        simple = rota_is_simple(scenario, self.pool)
        self.note.value = "" if simple else (
            "<i>The scenario has more than one shift on some days; the table shows the first. Leave the box "
            "unticked to keep the scenario's rota as it is.</i>")
        self.change.value = False
        self._enable()

    def _enable(self) -> None:
        for row in self.rows.values():
            for x in row:
                x.disabled = not self.change.value

    def rota(self) -> dict | None:
        if not self.change.value:
            return None
        return {d: (s.value, e.value) if on.value else None for d, (on, s, e) in self.rows.items()}


class PlannerApp:
    """The planner's page. ``backend``: where the runs execute (default: all cores)."""

    def __init__(self, backend: str | None = None, scenario: str | None = None, n: int = 20):
        w = widgets
        self.run_options = run_options(backend)
        self.uploads = Path(tempfile.mkdtemp(prefix="dipsim-uploads-"))
        self.last: PlannerRun | None = None
        atexit.register(self._cleanup)
        chosen = scenario or os.environ.get("DIPSIM_APP_SCENARIO") or DEFAULT_SCENARIO
        self.files = {n_: n_ for n_ in shipped_names()}
        if chosen not in self.files:
            self.files[f"{Path(chosen).name}"] = chosen
            chosen = Path(chosen).name
        self.scenario_pick = w.Dropdown(options=list(self.files), value=chosen, description="Scenario",
                                        style=STYLE, layout=w.Layout(width="420px"))
        self.upload = w.FileUpload(accept=".yaml,.yml", multiple=False, description="Upload a scenario (YAML)",
                                   layout=w.Layout(width="260px"))
        self.about = w.HTML()
        wide = w.Layout(width="640px")
        self.pool = w.Dropdown(options=[(f"{k}: {v}", k) for k, v in POOLS.items()], value="custody",
                               description="Workers to size", style=STYLE, layout=wide)
        self.w_from = w.BoundedIntText(value=1, min=0, max=1000, description="Try from", style=STYLE)
        self.w_to = w.BoundedIntText(value=4, min=1, max=1000, description="to (workers)", style=STYLE)
        self.other = w.BoundedIntText(value=0, min=0, max=1000, description="Workers in the other pool", style=STYLE,
                                     layout=w.Layout(width="420px"))
        self.rotas = {p: RotaTable(p) for p in POOLS}
        self.volume = w.BoundedFloatText(value=100, min=0, max=1000, step=5, style=STYLE,
                                         description="Arrest volume (% of the scenario's)", layout=w.Layout(width="560px"))
        self.lead = w.BoundedFloatText(value=2, min=0, max=3650, step=0.5, style=STYLE,
                                       description="Booking lead time (days from caution to first appointment)", layout=w.Layout(width="560px"))
        kpi_options = [(_kpi_label(k), k) for k in TARGET_KPIS]
        self.targets = []
        for i in range(N_TARGETS):
            self.targets.append((w.Checkbox(value=False, description=f"Target {i + 1}", style=STYLE),
                                 w.Dropdown(options=kpi_options, value=TARGET_KPIS[0], description="measure",
                                            style=STYLE, layout=w.Layout(width="520px")),
                                 w.Dropdown(options=[("at least", ">="), ("at most", "<=")], value=">=",
                                            description="must be", style=STYLE),
                                 w.FloatText(value=0.9, description="value", style=STYLE,
                                             layout=w.Layout(width="160px"))))
        self.meaning = w.Dropdown(options=[("a share of simulated years meets it", "years"),
                                           ("the mean over simulated years meets it", "mean")], value="years",
                                  description="A target is met when", style=STYLE, layout=wide)
        self.years = w.BoundedFloatText(value=0.8, min=0.05, max=0.99, step=0.05, style=STYLE,
                                        description="Share of years (e.g. 0.8: at least 4 years in 5)", layout=w.Layout(width="560px"))
        self.n = w.BoundedIntText(value=n, min=2, max=10000, description="Replications (simulated years) per level",
                                  style=STYLE, layout=w.Layout(width="480px"))
        self.days = w.BoundedIntText(value=0, min=0, max=3650, description="Days of arrests (0: the scenario's)",
                                     style=STYLE, layout=w.Layout(width="480px"))
        self.run_button = w.Button(description="Run", button_style="primary",
                                   tooltip="Find the smallest staffing meeting every target")
        self.run_button.on_click(lambda _: self.run())
        self.note = w.HTML()
        self.progress = w.Output()
        self.out = w.VBox()
        self.scenario_pick.observe(lambda _: self.load(), "value")
        self.pool.observe(lambda _: self._pool_changed(), "value")
        self.upload.observe(lambda _: self._uploaded(), "value")
        tgt_rows = [w.HBox(list(t)) for t in self.targets]
        self.widget = w.VBox([
            w.HTML("<h2>1. The area</h2>"), w.HBox([self.scenario_pick, self.upload]), self.about,
            w.HTML("<h2>2. Staffing and rota</h2>"), self.pool, w.HBox([self.w_from, self.w_to]), self.other,
            *[r.widget for r in self.rotas.values()],
            w.HTML("<h2>3. Demand and booking</h2>"), self.volume, self.lead,
            w.HTML("<h2>4. Targets</h2>"), *tgt_rows, self.meaning, self.years,
            w.HTML("<h2>5. Run</h2>"), self.n, self.days, self.run_button, self.note, self.progress, self.out])
        with reported(self.note):
            self.load()

    # ------------------------------------------------------------------ the scenario
    def base(self) -> Scenario:
        return load_scenario(self.files[self.scenario_pick.value])

    def load(self) -> None:
        """Fill the controls from the chosen scenario."""
        with reported(self.note):
            self.note.value = ""
            s = self.base()
            self.about.value = f"<p><b>{esc(s.name)}</b>: {esc(s.description or '')}</p>"
            for table in self.rotas.values():
                table.load(s)
            self.lead.value = float(s.sessions.lead_days)
            self.volume.value = 100
            self.days.value = 0
            self._pool_changed()

    def _pool_changed(self) -> None:
        with reported(self.note):
            s = self.base()
            pool = self.pool.value
            other = "community" if pool == "custody" else "custody"
            workers = getattr(s.cjit, other).workers
            self.other.description = f"Workers in the {other} pool"
            self.other.value = 1000 if workers == "unlimited" else int(workers)
            for i, t in enumerate(DEFAULT_TARGETS[pool]):
                on, kpi, op, value = self.targets[i]
                on.value, kpi.value, op.value, value.value = True, t[0], t[1], t[2]
            for on, *_ in self.targets[len(DEFAULT_TARGETS[pool]):]:
                on.value = False

    def _uploaded(self) -> None:
        with reported(self.note):
            files = self.upload.value
            if not files:
                return
            f = files[0]
            name = Path(f["name"]).name
            path = self.uploads / name
            path.write_bytes(bytes(f["content"]))
            load_scenario(path)   # a bad file: one friendly line, the choice is unchanged
            label = f"uploaded: {name}"
            self.files[label] = str(path)
            self.scenario_pick.options = list(self.files)
            self.scenario_pick.value = label
            self.note.value = message("ok", f"{name} loaded.")

    # ------------------------------------------------------------------ the run
    def settings(self) -> PlannerSettings:
        targets = [(k.value, op.value, float(v.value)) for on, k, op, v in self.targets if on.value]
        return PlannerSettings(
            pool=self.pool.value, workers_from=self.w_from.value, workers_to=self.w_to.value,
            other_workers=self.other.value,
            rotas={p: r.rota() for p, r in self.rotas.items() if r.rota() is not None},
            arrests_percent=self.volume.value, lead_days=self.lead.value, targets=targets,
            meaning=self.meaning.value, years=self.years.value, n=self.n.value, days=self.days.value or None)

    def run(self) -> None:
        """Run the capacity question; show the answer, its figure, the evidence and the downloads."""
        with reported(self.note, self.run_button):
            self.out.children = ()
            self.progress.clear_output()
            settings = self.settings()
            base = self.base()
            levels = settings.param()
            if not settings.targets:
                raise InputError("Targets", None, "tick at least one target")
            self._drop_last()
            self.note.value = message("info", f"Running {settings.n} replications at each of "
                                              f"{len(next(iter(levels.values())))} staffing levels...")
            run = inside(self.progress, run_capacity, base, settings, progress=True, **self.run_options,
                         scenario_file=self.files[self.scenario_pick.value])
            self.last = run
            res = run.result
            verdict = ("ok", "Done.") if res.answer is not None else ("error", "Done: no staffing level tried meets "
                                                                                "every target (see why below).")
            fig = image(figure_png(plots.capacity(res, scenario=run.scenario.name)),
                        "The share of simulated years meeting each target at each staffing level, the answer marked")
            links = "".join(download_link(name, data, MIME.get(Path(name).suffix, "application/octet-stream"))
                            for name, data in run.files().items())
            self.out.children = (
                widgets.HTML(f'<h3>The answer</h3><pre class="dipsim-answer" style="white-space:pre-wrap">'
                             f"{esc(run.text)}</pre>"),
                fig,
                widgets.HTML(f"<p>The same answer from a terminal, on the downloaded scenario.yaml:<br>"
                             f'<code class="dipsim-command">{esc(settings.command())}</code></p>'
                             f'<h3>Download</h3><p class="dipsim-downloads">{links}</p>'))
            self.note.value = message(*verdict)

    def _drop_last(self) -> None:
        if self.last is not None:
            shutil.rmtree(self.last.folder.parent, ignore_errors=True)
            self.last = None

    def _cleanup(self) -> None:
        self._drop_last()
        shutil.rmtree(self.uploads, ignore_errors=True)
