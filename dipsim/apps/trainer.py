"""The trainer page: one case stepped through decision by decision, then the group's policy
applied to the whole area. Widgets over :class:`dipsim.apps.stepper.CaseStepper` and
:func:`dipsim.apps.area.area_consequences`; ``TrainerApp().widget`` works in Voilà
(``dipsim app``) and in JupyterLab (notebook 04) alike.
"""

from __future__ import annotations

import os

import ipywidgets as widgets

from ..casefile import OFFENCE_NAMES
from ..rules.menu import MENU_POLICIES
from ..scenario import DEFAULT_SCENARIO, load_scenario
from ..scenario.loader import shipped_names
from ..training import load_cards, training_root
from ._ui import STYLE, download_link, esc, figure_png, image, inside, message, reported, run_options
from .area import CONSEQUENCES, area_consequences
from .stepper import CaseStepper

CARD, PERSON = "a training case card", "a person you describe"
BLANK = "- choose an answer -"
NO_ANSWER = -1   # the placeholder's value (None would show an empty box)


def _steps_html(steps) -> str:
    return "".join(f'<li><b>[{esc(s["rule"])}]</b> {esc(s["step"].replace("_", " "))}: {esc(s["detail"])}</li>'
                   for s in steps)


class TrainerApp:
    """The trainer's page. ``area_n`` / ``area_days``: the area run's default replications and
    days (None: the scenario's days); ``backend``: where the area's runs execute."""

    def __init__(self, area_n: int = 20, area_days: int | None = None, backend: str | None = None,
                 scenario: str | None = None):
        self.run_options = run_options(backend)
        self.cards = load_cards(training_root() / "cases")
        self.stepper: CaseStepper | None = None
        w = widgets
        # --- the case
        self.source = w.ToggleButtons(options=[CARD, PERSON], value=CARD, description="Start from",
                                      style=STYLE)
        self.card = w.Dropdown(options=[(c.title, i) for i, c in enumerate(self.cards)], value=0,
                               description="Case card", style=STYLE, layout=w.Layout(width="640px"))
        self.person = self._person_form()
        self.person.layout.display = "none"
        self.source.observe(self._on_source, "value")
        self.menu_policy = w.Dropdown(options=list(MENU_POLICIES), value="annex_b",
                                      description="Menu policy the CPS works to (§4.6)", style=STYLE,
                                      layout=w.Layout(width="420px"))
        self.max_record = w.BoundedIntText(value=5, min=0, max=50, style=STYLE, layout=w.Layout(width="420px"),
                                           description="A 'limited record' is at most (previous convictions, §4.1)")
        for control in (self.menu_policy, self.max_record):
            control.observe(lambda _: self._settings_changed(), "value")
        self.start_button = w.Button(description="Start this case", button_style="primary",
                                     tooltip="Start (or start again) stepping through this case")
        self.start_button.on_click(lambda _: self.start())
        self.narrative = w.HTML()
        # --- the walk
        self.log = w.HTML()
        self.question = w.HTML()
        self.question.add_class("dipsim-question")
        self.choice = w.Dropdown(options=[(BLANK, NO_ANSWER)], value=NO_ANSWER, description="The group's answer",
                                 style=STYLE, layout=w.Layout(width="640px"), disabled=True)
        self.decide_button = w.Button(description="Decide", button_style="success", disabled=True,
                                      tooltip="Record the group's answer and see what the guidance says")
        self.decide_button.on_click(lambda _: self.decide())
        self.reset_button = w.Button(description="Start again", tooltip="Back to the first decision")
        self.reset_button.on_click(lambda _: self.start())
        self.note = w.HTML()
        self.key = w.HTML()
        # --- the area
        names = shipped_names()
        chosen = scenario or os.environ.get("DIPSIM_APP_SCENARIO") or DEFAULT_SCENARIO
        options = names if chosen in names else [chosen] + names
        self.area = w.Dropdown(options=options, value=chosen, description="Area (scenario)", style=STYLE,
                               layout=w.Layout(width="420px"))
        self.area_n = w.BoundedIntText(value=area_n, min=2, max=1000, description="Replications per policy",
                                       style=STYLE, layout=w.Layout(width="420px"))
        self.area_days = w.BoundedIntText(value=area_days or 0, min=0, max=3650, style=STYLE, layout=w.Layout(width="420px"),
                                          description="Days of arrests (0: the scenario's)")
        self.run_button = w.Button(description="Run the area", button_style="primary",
                                   tooltip="Apply the group's policy to a year of the area's arrests")
        self.run_button.on_click(lambda _: self.run_area())
        self.area_note = w.HTML()
        self.area_progress = w.Output()
        self.area_out = w.VBox()
        self.widget = w.VBox([
            w.HTML("<h2>1. The case</h2>"), self.source, self.card, self.person,
            w.HTML("<b>The area's settings</b> (they apply to the case and to the whole area below)"),
            self.menu_policy, self.max_record, self.start_button, self.narrative,
            w.HTML("<h2>2. Decision by decision</h2>"), self.log, self.question,
            w.HBox([self.choice, self.decide_button, self.reset_button]), self.note, self.key,
            w.HTML("<h2>3. The group's policy for the whole area</h2><p>Set the menu policy and the limited "
                   "record above, then run the area under its current policy and under the group's, with common "
                   "random numbers: each difference is the policy's, not luck's.</p>"),
            self.area, self.area_n, self.area_days, self.run_button, self.area_note, self.area_progress,
            self.area_out])
        self.start()

    # ------------------------------------------------------------------ the case
    def _person_form(self) -> widgets.VBox:
        w = widgets
        self.p_age = w.BoundedIntText(value=25, min=0, max=120, description="Age", style=STYLE)
        self.p_offence = w.Dropdown(options=list(OFFENCE_NAMES), value="shoplifting", description="Offence",
                                    style=STYLE)
        self.p_admits = w.Checkbox(value=True, description="Admits the offence (§2.1)", style=STYLE)
        self.p_evidence = w.Checkbox(value=True, description="Sufficient evidence to charge (§2.1)", style=STYLE)
        self.p_previous = w.BoundedIntText(value=0, min=0, max=200, description="Previous convictions", style=STYLE)
        self.p_known = w.Checkbox(value=False, description="Known drug misuser (Annex A note 2)", style=STYLE)
        self.p_resident = w.Checkbox(value=True, description="Lives in the area (§4.6.6 Step 1)", style=STYLE)
        self.p_responsible = w.Checkbox(value=True, description="Accepts responsibility (§4.1)", style=STYLE)
        self.p_profile = w.Dropdown(options=[("not known", None)] + [(f"group {g}", g) for g in (1, 2, 3, 4)],
                                    value=None, description="Drug use (Annex B group)", style=STYLE)
        self.p_intensive = w.Checkbox(value=True, description="A DIP intensive area (§2.2)", style=STYLE)
        self.p_country = w.Dropdown(options=["england", "wales"], value="england", description="Country",
                                    style=STYLE)
        return w.VBox([self.p_age, self.p_offence, self.p_admits, self.p_evidence, self.p_previous, self.p_known,
                       self.p_resident, self.p_responsible, self.p_profile, self.p_intensive, self.p_country])

    def _on_source(self, change) -> None:
        person = change["new"] == PERSON
        self.person.layout.display = None if person else "none"
        self.card.layout.display = "none" if person else None

    def _settings_changed(self) -> None:
        s = self.stepper
        if s is not None and s.history and (s.menu_policy, s.max_previous_convictions) != (
                self.menu_policy.value, self.max_record.value):
            self.note.value = message("info", "The case in progress keeps the settings it started with; press "
                                              "Start again to walk it under the new ones. Run the area uses them.")

    def person_case(self) -> dict:
        """The case the form describes (the decisions are the group's, step by step)."""
        return {"area": {"intensive": self.p_intensive.value, "country": self.p_country.value},
                "offender": {"age": self.p_age.value, "offence": self.p_offence.value,
                             "admits_offence": self.p_admits.value, "sufficient_evidence": self.p_evidence.value,
                             "previous_convictions": self.p_previous.value,
                             "known_drug_misuser": self.p_known.value, "resident_in_area": self.p_resident.value,
                             "accepts_responsibility": self.p_responsible.value,
                             "drug_use_profile": self.p_profile.value},
                "card": {"title": "A person the group described"}}

    def start(self) -> None:
        """(Re)start the walk of the chosen case under the area's settings."""
        with reported(self.note):
            self.note.value = self.key.value = self.log.value = ""
            if self.source.value == CARD:
                card = self.cards[self.card.value]
                case = card.case
                c = case["card"]
                self.narrative.value = (f"<h3>{esc(c['title'])}</h3><p>{esc(c['narrative'])}</p>"
                                        "<p><b>For discussion:</b></p><ul>"
                                        + "".join(f"<li>{esc(q)}</li>" for q in c["questions"]) + "</ul>")
            else:
                case = self.person_case()
                self.narrative.value = "<h3>A person the group described</h3>"
            self.stepper = CaseStepper(case, self.menu_policy.value, self.max_record.value)
            self._show_next()

    # ------------------------------------------------------------------ the walk
    def _show_next(self) -> None:
        """The guidance up to the next decision, then the decision. The question is set last, so
        once it shows, the answers and the buttons are already up to date."""
        s = self.stepper
        steps = s.guidance_so_far()
        if steps:
            self.log.value += f'<ol class="dipsim-steps">{_steps_html(steps)}</ol>'
        if s.complete:
            self.choice.options = [(BLANK, NO_ANSWER)]
            self.choice.value = NO_ANSWER
            self.choice.disabled = self.decide_button.disabled = True
            self._show_key()
            self.question.value = "<b>The walk is complete.</b> Press <i>Start again</i> to try other choices."
            return
        d = s.current
        card_says = s.case_value_label()
        self.choice.options = [(BLANK, NO_ANSWER)] + [
            (f"{lbl} (the case's answer)" if lbl == card_says else lbl, i) for i, (lbl, _) in enumerate(d.options)]
        self.choice.value = NO_ANSWER
        self.choice.disabled = self.decide_button.disabled = False
        self.question.value = (f"<p><b>Decision {s.number}</b> - <i>{esc(d.who)}</i>: {esc(d.question)}</p>")

    def decide(self) -> None:
        """Record the group's answer (a blank answer is refused with a message) and walk on."""
        with reported(self.note):
            d, label = self.stepper.decide(None if self.choice.value == NO_ANSWER else self.choice.value)
            self.note.value = ""
            self.log.value += (f'<p class="dipsim-choice"><b>Decision {len(self.stepper.history)}</b> '
                               f'({esc(d.who)}): {esc(d.question)}<br>The group chose: <b>{esc(label)}</b></p>')
            self._show_next()

    def _show_key(self) -> None:
        s = self.stepper
        rows = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{esc(k)}</th><td>{esc(v)}</td></tr>"
                       for k, v in s.answer_lines())
        link = download_link("case-with-the-groups-choices.yaml", s.case_file().encode("utf-8"), "text/yaml",
                             "Download this case file (YAML) with the group's choices")
        self.key.value = (f'<h3>The answer key</h3><table class="dipsim-answer-key">{rows}</table>'
                          f"<p>Menu policy {esc(s.menu_policy)}; a limited record is at most "
                          f"{s.max_previous_convictions} previous convictions. The same answer from a terminal: "
                          f"<code>dipsim case FILE --json --menu-policy {esc(s.menu_policy)} "
                          f"--max-previous-convictions {s.max_previous_convictions}</code></p><p>{link}</p>")

    # ------------------------------------------------------------------ the area
    def run_area(self) -> None:
        """Run the area under its current policy and the group's; show the paired differences."""
        with reported(self.area_note, self.run_button):
            self.area_out.children = ()
            self.area_progress.clear_output()
            scenario = load_scenario(self.area.value)
            days = self.area_days.value or None
            self.area_note.value = message("info", f"Running {scenario.name}: {self.area_n.value} replications per "
                                                   f"policy of {days or scenario.days} days of arrests...")
            res = inside(self.area_progress, area_consequences, scenario, self.menu_policy.value,
                         self.max_record.value, n=self.area_n.value, days=days, progress=True, **self.run_options)
            d = res.diffs
            head = "".join(f"<th>{esc(h)}</th>" for h in ("policy", "consequence", "unit", "current policy",
                                                           "this policy", "difference", "95% CI"))
            body = "".join(
                f"<tr><td>{esc(r.variant)}</td><td>{esc(r.label)}</td><td>{esc(r.unit)}</td>"
                f"<td>{r.baseline_mean:.1f}</td><td>{r.variant_mean:.1f}</td><td>{r.difference:+.1f}</td>"
                f"<td>{r.lower:+.1f} to {r.upper:+.1f}</td></tr>" for r in d.itertuples())
            text = "".join(f"<li>{esc(s)}</li>" for s in res.sentences())
            figs = [image(figure_png(f), alt) for f, alt in zip(
                res.figures(), ("Mean of each consequence under each policy, with 95% confidence intervals",
                                "Paired differences against the current policy, with 95% confidence intervals"))]
            self.area_out.children = (widgets.HTML(
                "<style>table.dipsim-area td, table.dipsim-area th {padding: 2px 10px; text-align: left}</style>"
                f'<table class="dipsim-area">{head}{body}</table><ul class="dipsim-area-sentences">{text}</ul>'
                f"<p>Consequences: {', '.join(CONSEQUENCES)}. A 95% CI that includes 0: at this number of "
                f"replications the simulation cannot tell the change from no change.</p>"), *figs)
            self.area_note.value = message("ok", f"Done: {scenario.name}, {res.table['variant'].nunique()} policies x "
                                                 f"{res.n} replications x {res.days} days of arrests.")
