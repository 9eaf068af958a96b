"""Parsing every mapped column of a file and collecting its problems, vectorised over whole
columns: the parsers per field type, and the checks every kind shares (required fields,
unknown customers, repeated response ids, the de-duplication key). Each kind's own rules are
its module's ``finish``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxcore import attribute_import as ai
from cxcore import import_formats as fmt
from cxcore.customer_data import REVENUE_KINDS
from cxcore.errors import Problem, ValidationError
from cxcore.importers import base, customers, pulse, responses, revenue
from cxcore.importers.base import SCORE_FIELDS, FieldSpec, attribute_column, known_ids
from cxcore.importers.base import steps as step_ids
from cxcore.importers.mapping import FIELDS
from cxcore.importers.revenue import REVENUE_KIND_WORDS

_FINISH = {"customers": customers.finish, "revenue": revenue.finish,
           "responses": responses.finish, "pulse": pulse.finish}


class Validator:
    """Parses every mapped column of one file and collects problems (vectorised)."""

    def __init__(self, kind, table, frame, mapping, detected, notes, known, date_format,
                 default_date, reference_date) -> None:
        self.kind, self.table, self.frame = kind, table, frame
        self.mapping, self.detected, self.notes = mapping, detected, notes
        self.known, self.date_format = known, date_format
        self.default_date = str(default_date) if default_date else None
        self.reference_date = str(reference_date) if reference_date else None
        self.by_field = {t: s for s, t in mapping.items()}
        self.problems: list[Problem] = []
        self.count = 0
        self.ces_low_is_easy = False
        self.timezone: str | None = None
        self.attributes: list[ai.AttributeSpec] = []
        self.scales: dict[str, Any] = {}
        self.bad = pd.Series(False, index=frame.index)
        self.out = pd.DataFrame(index=frame.index)

    def kept(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row or 0, p.field))[:base.MAX_PROBLEMS]

    def flag(self, mask: pd.Series, field_name: str, reason: Any) -> None:
        """Record a problem on every row where ``mask`` is true (keeping the first few)."""
        mask = mask.fillna(False).astype(bool)
        hits = mask.to_numpy().nonzero()[0]
        if not len(hits):
            return
        labels = self.frame.index[hits[:base.MAX_PROBLEMS]]
        for label in labels:
            text = reason(label) if callable(reason) else reason
            self.problems.append(Problem(field_name, text, int(self.table.file_row(label))))
        self.count += len(hits)
        self.bad |= mask

    def file_problem(self, field_name: str, reason: str) -> None:
        self.problems.append(Problem(field_name, reason, None))
        self.count += 1
        self.bad[:] = True

    def column(self, field_name: str) -> pd.Series | None:
        source = self.by_field.get(field_name)
        return None if source is None else self.frame[source].astype("str")

    @staticmethod
    def shown(value: Any) -> str:
        text = str(value)
        return repr(text if len(text) <= 40 else text[:37] + "...")

    def run(self) -> pd.DataFrame:
        specs = FIELDS[self.kind]
        self._required(specs)
        for spec in specs:
            series = self.column(spec.name)
            if series is None:
                continue
            getattr(self, f"_parse_{spec.parser}")(spec, series)
        if "date" not in self.out and self.default_date and self.kind in ("responses", "pulse"):
            self.out["date"] = self.default_date
        responses.parse_attributes(self)
        _FINISH[self.kind](self)
        self._repeated_response_ids()
        if any(p.row is None for p in self.problems):
            self.bad[:] = True
        stored = [f.name for f in specs if f.stored]
        good = self.out.loc[~self.bad]
        for name in stored:
            if name not in good.columns:
                good[name] = None
        extra = [c for c in ("_dedupe",) if c in good.columns]
        extra += [attribute_column(a) for a in self.attributes]
        return good[stored + extra].reset_index(drop=True)

    def _repeated_response_ids(self) -> None:
        """A response id is one survey answer: a second row with the same id in one file is a
        problem (an export appended twice, or a tool re-sending), not a second answer."""
        ids = self.out.get("response_id")
        if ids is None or self.kind not in ("responses", "pulse"):
            return
        ids = ids.where(ids.notna() & (ids.astype("str").str.strip() != ""))
        again = ids.notna() & ids.duplicated(keep="first")
        if not again.any():
            return
        first = ids[ids.notna() & ~ids.duplicated(keep="first")]
        first_row = pd.Series(first.index, index=first.to_numpy())
        self.flag(again, "response_id", lambda i: (
            f"response id {self.shown(ids.loc[i])} is already on row "
            f"{self.table.file_row(first_row[ids.loc[i]])} of this file"))

    def _required(self, specs: list[FieldSpec]) -> None:
        for spec in specs:
            if not spec.required or spec.name in self.by_field:
                continue
            if spec.name == "start_date" and "tenure_months" in self.by_field:
                continue
            if spec.name == "date" and self.default_date:
                continue
            hint = ""
            if spec.name == "date" and self.kind in ("responses", "pulse"):
                hint = " Map a date column, or give one date for the whole file."
            if spec.name == "start_date":
                hint = (" Map a start date column, or a tenure column together with the date "
                        "the tenure was counted to (reference date).")
            self.file_problem(spec.name, f"required: no column is mapped to {spec.label}.{hint}")
        if self.kind == "responses":
            scores = set(SCORE_FIELDS) | {"score"}
            if not scores & set(self.by_field) and not self.attributes:
                self.file_problem("nps", "no column is mapped to any score (NPS, CSAT, customer "
                                  "effort, effectiveness, ease or emotion) and no column holds "
                                  "a rating, yes/no or single-choice question")

    # parsers: each fills self.out[spec.name] and flags bad cells
    def _parse_text(self, spec: FieldSpec, series: pd.Series) -> None:
        text = series.str.strip()
        self.out[spec.name] = text.where(text != "")

    def _parse_id(self, spec: FieldSpec, series: pd.Series) -> None:
        text = series.str.strip()
        self.out[spec.name] = text.where(text != "")
        if spec.required:
            self.flag(text == "", spec.name, f"{spec.label} is blank")

    def _parse_comment(self, spec: FieldSpec, series: pd.Series) -> None:
        # Comments are stored exactly as written (no stripping), blank ones as NULL.
        self.out[spec.name] = series.where(series.str.strip() != "")

    def _parse_date(self, spec: FieldSpec, series: pd.Series) -> None:
        source_col = self.by_field[spec.name]
        parsed, used, ambiguous = fmt.parse_dates(
            series, self.date_format, day_first=self.table.delimiter == ";",
            source_tz=self.table.timezones.get(source_col), target_tz=self.timezone)
        self.detected[f"date format ({spec.name})"] = used
        if ambiguous:
            self.notes.append(
                f"Dates in '{self.by_field[spec.name]}' fit both day/month and month/day; read "
                f"like {fmt.date_example(used)}. Choose the date format if that is wrong.")
        is_blank = fmt.blank(series)
        if spec.name == "date" and self.default_date:
            parsed = parsed.fillna(self.default_date)
        elif spec.required:
            self.flag(is_blank, spec.name, f"{spec.label} is blank")
        source = series

        def reason(i: Any) -> str:
            return (f"{spec.label} {self.shown(source.loc[i])} is not a date: write it like "
                    f"the other dates in this column, e.g. {fmt.date_example(used)} "
                    f"(years 1900 to 2100)")

        self.flag(parsed.isna() & ~is_blank, spec.name, reason)
        self.out[spec.name] = parsed

    def _parse_score(self, spec: FieldSpec, series: pd.Series) -> None:
        column = self.by_field[spec.name]
        declared = self.scales.get(column)
        if declared is not None:
            try:
                low, high = (ai.parse_scale(declared) if isinstance(declared, str)
                             else tuple(map(float, declared)))
            except ValueError as exc:
                raise ValidationError(f"--scale for '{column}': {exc}", field="scale") from None
            if (low, high) != (spec.low, spec.high):
                self.file_problem(spec.name, (
                    f"column '{column}' is declared {low:g}-{high:g}, but {spec.label} is "
                    f"{spec.low}-{spec.high}: its answers can't be stored there. Leave the "
                    f"column as a survey question with its own scale (map it to nothing) or "
                    f"map it to a field with that scale"))
                return
        values = fmt.parse_scores(series, spec.name)
        refusal = ai.values_for_field(values, spec.low, spec.high, spec.label, column)
        if refusal:
            self.file_problem(spec.name, refusal)
            return
        is_blank = fmt.blank(series)
        bad = ~is_blank & ~(values.between(spec.low, spec.high) & (values % 1 == 0))
        if spec.required:
            self.flag(is_blank, spec.name, f"{spec.label} is blank")

        def reason(i: Any) -> str:
            return (f"{spec.label}: {self.shown(series.loc[i])} is not a whole number from "
                    f"{spec.low} to {spec.high}")

        self.flag(bad, spec.name, reason)
        filled = int((~is_blank).sum())
        if filled and bad.sum() > filled / 2:
            self.notes.append(
                f"Most values of '{self.by_field[spec.name]}' are not {spec.label}: importing "
                f"only the valid rows would keep a biased subset. Check the mapping.")
        values = values.where(~bad).astype("Int64")
        if spec.name == "ces" and self.ces_low_is_easy:
            values = 8 - values
            self.notes.append("Customer effort answers were reversed (stored as 8 - answer) so "
                              "that 7 means very easy.")
        self.out[spec.name] = values

    def _parse_money(self, spec: FieldSpec, series: pd.Series) -> None:
        values, comma = fmt.parse_numbers(series)
        if comma:
            self.detected[f"decimal comma ({spec.name})"] = True
        is_blank = fmt.blank(series)
        if spec.required:
            self.flag(is_blank, spec.name, f"{spec.label} is blank")
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"{spec.label} {self.shown(series.loc[i])} is not a number")
        self.out[spec.name] = values

    def _parse_number(self, spec: FieldSpec, series: pd.Series) -> None:
        values, _ = fmt.parse_numbers(series)
        is_blank = fmt.blank(series)
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"{spec.label} {self.shown(series.loc[i])} is not a number")
        self.out[spec.name] = values

    def _parse_flag(self, spec: FieldSpec, series: pd.Series) -> None:
        values = fmt.parse_flags(series)
        is_blank = fmt.blank(series)
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"{spec.label} {self.shown(series.loc[i])} is not yes/no or 1/0")
        self.out[spec.name] = values.fillna(0).astype("int64")

    def _parse_revenue_kind(self, spec: FieldSpec, series: pd.Series) -> None:
        norm = series.str.lower().str.replace(r"[^a-z]+", "", regex=True)
        values = norm.map(REVENUE_KIND_WORDS)
        is_blank = fmt.blank(series)
        self.flag(is_blank, spec.name, f"{spec.label} is blank")
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"kind {self.shown(series.loc[i])} is not one of "
                            f"{', '.join(REVENUE_KINDS)}")
        self.out[spec.name] = values

    def _parse_step(self, spec: FieldSpec, series: pd.Series) -> None:
        text = series.str.strip()
        is_blank = text == ""
        steps = step_ids(self.known)
        if steps is None:
            values = pd.to_numeric(text.where(~is_blank), errors="coerce")
            self.flag(values.isna() & ~is_blank, spec.name,
                      lambda i: f"journey step {self.shown(text.loc[i])} is not a step id "
                                f"(step names can be used when importing into a workspace)")
        else:
            key = text.str.lower()
            values = key.map(steps)
            self.flag(values.isna() & ~is_blank, spec.name,
                      lambda i: f"journey step {self.shown(text.loc[i])} is not a step of any "
                                f"journey in this workspace")
            self.flag(values.eq(-1), spec.name,
                      lambda i: f"journey step {self.shown(text.loc[i])} is the name of steps in "
                                f"several journeys; use the step id")
            values = values.where(values != -1)
        self.out[spec.name] = values.astype("Int64")

    # per-kind rules across fields
    def unknown_customers(self, field_name: str) -> None:
        known = known_ids(self.known)
        if known is None or field_name not in self.out:
            return
        ids = self.out[field_name]
        self.flag(ids.notna() & ~ids.isin(known), field_name,
                  lambda i: f"unknown customer {self.shown(ids.loc[i])}: import customers first")

    def dedupe_key(self, fields: list[str], source_id: str | None) -> None:
        """``row_hash``: a hash of the row's parsed values (and source response id), plus
        which repeat of identical values within the file it is, so identical answers in one
        file are all kept while importing the same file again matches every row."""
        names = [f for f in fields if f in self.out]
        if source_id and source_id in self.out:
            names.append(source_id)
        content = pd.util.hash_pandas_object(self.out[names], index=False) if names else \
            pd.Series(0, index=self.out.index, dtype="uint64")
        occurrence = content.groupby(content).cumcount().astype("uint64")
        hashed = pd.util.hash_pandas_object(
            pd.DataFrame({"content": content, "occurrence": occurrence}), index=False)
        self.out["_dedupe"] = hashed.astype("str")

