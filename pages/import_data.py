"""Import data: upload a file, check how its columns map, see every bad row, then import.

The uploaded file lives in ``st.session_state["import_source"]`` ({"name", "data"}) and the
parsed preview beside it, so reruns (changing a mapping, pressing a button) don't re-upload, and
tests can put a file there directly. Also: past imports with Undo, and CSV export.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from cxcore import attributes, export, importers, locale_settings
from cxcore import import_formats as fmt
from cxcore.storage import slugify
from cxcore.upload_limits import ENCODING_CHOICES
from cxui import shell

session = shell.page_session("editor")

KIND_LABELS = {"customers": "Customers", "revenue": "Revenue events",
               "responses": "Survey responses", "pulse": "Employee pulse (eNPS)"}
IGNORE_LABEL = "(don't import)"
QUESTION_LABEL = "(survey question, below)"
DATE_CHOICES = ["", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y",
                "%m/%d/%y", "%d %b %Y", "%b %d %Y"]
state = st.session_state
state.setdefault("import_round", 0)  # bumped to clear the uploader after import/cancel


def when(iso: str | None) -> str:
    """A stored ISO time in the workspace's time zone, e.g. "25 Nov 2026 09:51 CET"."""
    return locale_settings.format_time(iso, session)


def clear_upload() -> None:
    for key in ("import_source", "import_preview", "import_overrides", "import_questions",
                "import_kind", "import_kind_suggested", "import_default_date",
                "import_reference_date", "import_na_all"):
        state.pop(key, None)
    state["import_round"] += 1


st.title("Import data")
st.write("Bring in customers, revenue events, survey responses or employee pulse answers from "
         "a CSV, Excel or JSON file. Exports from Google Forms, Typeform, Microsoft Forms, "
         "SurveyMonkey, Qualtrics and Delighted are recognised as they are; so are spreadsheets "
         "whose headers are the survey questions, in English, French, German or Spanish. "
         "Nothing is stored until you press **Import**; an import can be undone as a whole, and "
         "importing the same file again does not count anything twice.")

upload = st.file_uploader("CSV, Excel or JSON file", type=["csv", "txt", "tsv", "xlsx", "json"],
                          key=f"import_upload_{state['import_round']}")
if upload is not None:
    data = upload.getvalue()
    current = state.get("import_source")
    if current is None or current["name"] != upload.name or current["data"] != data:
        state["import_source"] = {"name": upload.name, "data": data}
        state.pop("import_preview", None)
        # What the file holds is suggested from its columns, never a fixed default.
        state["import_kind"] = importers.suggest_file_kind(data, upload.name)
        state["import_kind_suggested"] = state["import_kind"]

source = state.get("import_source")
if source is not None and "import_kind" not in state:
    state["import_kind"] = importers.suggest_file_kind(source["data"], source["name"])
    state["import_kind_suggested"] = state["import_kind"]
kind = None
if source is not None:
    kind = st.selectbox("What does the file hold?", importers.KINDS, index=None,
                        format_func=KIND_LABELS.get, key="import_kind",
                        placeholder="Choose what the file holds")
    suggested = state.get("import_kind_suggested")
    if kind is None:
        st.info("Nothing in the file's columns says what it holds: choose it above to see how "
                "it would be imported.")
    elif suggested and kind == suggested:
        st.caption(f"Suggested from the file's columns: {KIND_LABELS[kind].lower()}. Change it "
                   f"if that is wrong.")

if source is not None and not source["name"].lower().endswith((".xlsx", ".xlsm", ".json")):
    st.selectbox("Text encoding, if the file's text looks garbled", ENCODING_CHOICES,
                 key="import_encoding", format_func=lambda e: e or "Detect automatically")

if source is not None and kind is not None:
    file_key = hashlib.sha1(source["data"]).hexdigest()[:12]
    prefix = f"map_{file_key}_{kind}_"
    qprefix = f"q_{file_key}_"
    # The user's mapping choices for this file and kind: every selectbox that now differs from
    # the mapping the last preview used is a choice the user just made.
    overrides = state.setdefault("import_overrides", {}).setdefault(prefix, {})
    questions = state.setdefault("import_questions", {}).setdefault(qprefix, {})
    cached = state.get("import_preview")
    if cached is not None and cached[0][:2] == (file_key, kind):
        asked = {a.column for a in cached[1].attributes if a.include}
        for key, value in list(state.items()):
            if str(key).startswith(prefix):
                column = str(key)[len(prefix):]
                shown = cached[1].mapping.get(column) or (
                    QUESTION_LABEL if column in asked else IGNORE_LABEL)
                if value == shown:
                    continue
                if value == QUESTION_LABEL:
                    overrides.pop(column, None)  # no field: a survey question again
                else:
                    overrides[column] = "" if value == IGNORE_LABEL else value
        for spec in cached[1].attributes:
            mine = questions.get(spec.column, {})
            include = state.get(f"{qprefix}inc_{spec.column}", spec.include)
            scale = str(state.get(f"{qprefix}scale_{spec.column}", spec.scale_text)).strip()
            na = str(state.get(f"{qprefix}na_{spec.column}", ", ".join(spec.na_codes)))
            if include != spec.include:
                mine["include"] = include
            if spec.kind == "rating" and scale and scale != spec.scale_text:
                mine["scale"] = scale
            if [c.strip() for c in na.split(",") if c.strip()] != spec.na_codes:
                mine["na_codes"] = [c.strip() for c in na.split(",") if c.strip()]
            if mine:
                questions[spec.column] = mine
    default_date = str(state.get("import_default_date", "")).strip()
    reference_date = str(state.get("import_reference_date", "")).strip()
    date_format = state.get("import_date_format") or None
    ces_low_is_easy = bool(state.get("import_ces_low_is_easy", False))
    na_all = [c.strip() for c in str(state.get("import_na_all", "")).split(",") if c.strip()]
    options = (default_date or None, reference_date or None, date_format, ces_low_is_easy,
               tuple(na_all), state.get("import_encoding") or None)
    q_signature = tuple(sorted((c, tuple(sorted((k, str(v)) for k, v in d.items())))
                               for c, d in questions.items()))
    signature = (file_key, kind, tuple(sorted(overrides.items())), options, q_signature)
    preview = None
    if cached is not None and cached[0] == signature:
        preview = cached[1]
    else:
        def prepare():
            try:
                return importers.prepare_import(
                    kind, source["data"], filename=source["name"], mapping=overrides or None,
                    known_customer_ids=session, default_date=options[0],
                    reference_date=options[1], date_format=options[2],
                    ces_low_is_easy=options[3], not_applicable=na_all,
                    attributes=questions or None, encoding=options[5])
            except importers.ValidationError:
                questions.clear()  # an unusable scale typed in the preview: start over
                raise

        with st.spinner("Reading and checking every row..."):
            preview = shell.run_action(prepare)
        if preview is not None:
            state["import_preview"] = (signature, preview)
            # The preview's widgets show what this preview used.
            for spec in preview.attributes:
                state[f"{qprefix}inc_{spec.column}"] = spec.include
                state[f"{qprefix}scale_{spec.column}"] = spec.scale_text
                state[f"{qprefix}na_{spec.column}"] = ", ".join(spec.na_codes)

    if preview is not None:
        d = preview.detected
        st.subheader(shell.esc(source["name"]))
        st.caption(shell.esc(
            f"{d['format']} layout, encoding {d.get('encoding') or 'n/a'}, "
            f"delimiter {d.get('delimiter_name') or 'n/a'}; {preview.total_rows:,} rows; "
            f"times converted to {d.get('timezone') or 'UTC'}."))

        # Problems of the whole file come first, each with the setting that fixes it.
        needs_date = kind in ("responses", "pulse") and (
            default_date or any(p.field == "date" for p in preview.file_problems))
        needs_reference = kind == "customers" and (
            reference_date or any(p.field in ("tenure_months", "start_date")
                                  for p in preview.file_problems))
        for problem in preview.file_problems:
            st.error(shell.esc(f"Whole file, column '{preview.column_of(problem.field)}': "
                               f"{problem.reason}"))
        if needs_date:
            st.text_input(
                "Date for every row (YYYY-MM-DD)", key="import_default_date",
                help="The file has no date column: give the day the survey (or this wave of "
                     "it) was answered, e.g. the day it closed.")
        if needs_reference:
            st.text_input(
                "Reference date of the tenure column (YYYY-MM-DD)", key="import_reference_date",
                help="Start date = this date minus the tenure in months (the date the export "
                     "was taken).")
        for note in preview.notes:
            st.info(shell.esc(note))

        st.markdown("**Columns**: check what each column of the file becomes.")
        fields = importers.field_labels(kind)
        asked = {a.column for a in preview.attributes if a.include}
        columns_in_file = list(preview.mapping) + preview.unmapped
        grid = st.columns(3)
        for i, column in enumerate(c for c in preview.head.columns if c in columns_in_file):
            # Show what the preview actually used (a choice can displace another column's).
            state[prefix + column] = preview.mapping.get(column) or (
                QUESTION_LABEL if column in asked else IGNORE_LABEL)
            choices = [IGNORE_LABEL, *([QUESTION_LABEL] if kind == "responses" else []),
                       *fields]
            with grid[i % 3]:
                st.selectbox(shell.esc(column), choices, key=prefix + column,
                             format_func=lambda f: fields.get(f, f))
        mapped = set(preview.mapping.values())
        if mapped & {"date", "start_date", "end_date"}:
            st.selectbox(
                "How dates are written", DATE_CHOICES, key="import_date_format",
                format_func=lambda f: ("Detect automatically" if not f
                                       else f"like {fmt.date_example(f)}"))
        if "ces" in mapped:
            st.caption("Customer effort (CES) is stored on 1-7 where **7 means very easy**: "
                       "higher is better.")
            st.checkbox("My survey's effort scale had 1 = very easy (store 8 - answer)",
                        key="import_ces_low_is_easy")

        if preview.attributes:
            st.markdown(f"**Survey questions**: {len(preview.attributes)} more columns hold "
                        f"answers to questions. Confirm each one's scale and the answers that "
                        f"mean *not applicable* (stored as no answer, never as a score).")
            st.text_input("Answer meaning 'not applicable' in every rating question "
                          "(e.g. 0), if any", key="import_na_all")
            head_cols = st.columns([3, 1, 1, 1, 3])
            for col, text in zip(head_cols, ["Question", "Import", "Scale", "N/A codes",
                                             "Answers / found from"], strict=True):
                col.caption(f"**{text}**")
            for spec in preview.attributes:
                row = st.columns([3, 1, 1, 1, 3], vertical_alignment="center")
                kind_words = {"rating": "rating", "yesno": "yes/no",
                              "category": "single choice"}[spec.kind]
                row[0].text(f"{spec.label} ({kind_words})")
                row[1].checkbox("Import", key=f"{qprefix}inc_{spec.column}",
                                label_visibility="collapsed")
                row[2].text_input("Scale", key=f"{qprefix}scale_{spec.column}",
                                  label_visibility="collapsed",
                                  disabled=spec.kind != "rating",
                                  help="lowest-highest answer, e.g. 1-5")
                row[3].text_input("N/A codes", key=f"{qprefix}na_{spec.column}",
                                  label_visibility="collapsed",
                                  help="answers meaning 'not applicable', comma-separated")
                answers = (", ".join(spec.categories) if spec.kind == "category" else
                           ", ".join(f"{k} = {v:g}" for k, v in sorted(
                               spec.value_labels.items(), key=lambda kv: kv[1])[:5]))
                row[4].caption(shell.esc("; ".join(x for x in (answers, spec.source, spec.hint)
                                                   if x)))

        st.markdown("**First rows of the file**: rows with a problem are marked in red and "
                    "will not be imported.")
        head = preview.preview_frame()

        def mark(row):
            color = "background-color: #fde0dc" if row.get("Problem") else ""
            return [color] * len(row)

        st.dataframe(head.style.apply(mark, axis=1) if len(head) else head, hide_index=True,
                     column_config={"Row": st.column_config.NumberColumn(format="%d",
                                                                         width="small"),
                                    "Problem": st.column_config.TextColumn(width="medium")})

        good, bad = st.columns(2)
        shell.metric("Rows ready to import", f"{preview.valid_rows:,}", container=good)
        shell.metric("Rows with problems", f"{preview.bad_rows:,}", container=bad)
        if preview.row_problems:
            st.markdown("**Validation report**: these rows will not be imported.")
            st.dataframe(preview.problems_frame(), hide_index=True,
                         column_config={"Row": st.column_config.NumberColumn(format="%d")})
            if preview.problem_count > len(preview.problems):
                st.caption(f"Showing the first {len(preview.problems):,} of "
                           f"{preview.problem_count:,} problems.")

        # Side by side, Cancel right after Import.
        go = cancel = st.container(horizontal=True, gap="small")
        label = (f"Import {preview.valid_rows:,} valid rows" if preview.bad_rows
                 else f"Import {preview.valid_rows:,} rows")
        if go.button(label, type="primary", disabled=preview.valid_rows == 0,
                     key="import_go", icon=":material/upload:"):
            bar = st.progress(0.0, text="Importing...")
            result = shell.run_action(lambda: importers.commit_import(
                session, preview, progress=lambda f: bar.progress(f, text=f"Importing... "
                                                                          f"{f:.0%}")))
            if result is not None:
                clear_upload()
                n_questions = sum(1 for a in preview.attributes if a.include)
                state["import_done"] = (
                    f"Imported {result.inserted:,} rows"
                    + (f" as batch {result.batch_id}" if result.batch_id else "")
                    + f"; {result.skipped_duplicates:,} were already there."
                    + (f" Answers to {n_questions} survey questions stored."
                       if n_questions and result.inserted else ""))
                st.rerun()
        if cancel.button("Cancel", key="import_cancel"):
            clear_upload()
            st.rerun()

if "import_done" in state:
    st.success(state.pop("import_done"))

st.divider()
st.subheader("Past imports")
batches = importers.list_batches(session)
if not batches:
    st.caption("Nothing imported yet.")
else:
    st.dataframe(
        [{"Batch": b["id"], "Data": KIND_LABELS.get(b["kind"], b["kind"]),
          "File": b["filename"], "Rows": f"{b['rows']:,}", "Imported by": b["created_by"],
          "When": when(b["created_at"]),
          "Undone": (f"{when(b['undone_at'])} by {b['undone_by']}" if b["undone_at"]
                     else "")} for b in batches], hide_index=True,
        column_config={"Batch": st.column_config.NumberColumn(format="%d", width="small")})
    by_id = {b["id"]: b for b in batches}
    undoable = [b["id"] for b in batches if not b["undone_at"]]
    if undoable:
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        chosen = left.selectbox(
            "Import to undo", undoable, key="undo_batch",
            format_func=lambda i: (f"{i} · {by_id[i]['filename']} · {by_id[i]['rows']:,} rows"
                                   f" · {when(by_id[i]['created_at'])}"))
        if right.button("Undo this import", key="undo_go", icon=":material/undo:"):
            removed = shell.run_action(lambda: importers.undo_import(session, chosen))
            if removed is not None:
                state["import_done"] = f"Undid import {chosen}: removed {removed:,} rows."
                st.rerun()

st.divider()
st.subheader("Survey questions")
questions_now = attributes.overview(session.db)
if not questions_now:
    st.caption("No survey questions yet: import a survey whose columns hold ratings, yes/no or "
               "single-choice answers.")
else:
    st.write("Questions stored from survey imports, beyond NPS, CSAT and effort. Link a question "
             "to the journey step it is about, so its driver results show on the journey map.")
    st.dataframe(
        [{"Question": q["label"], "Key": q["key"],
          "Kind": {"rating": "rating", "yesno": "yes/no", "category": "single choice"}[q["kind"]],
          "Scale": (f"{q['scale_min']:g}-{q['scale_max']:g}" if q["kind"] == "rating" else ""),
          "N/A codes": ", ".join(map(str, q["na_codes"])), "Answers": f"{q['answers']:,}",
          "Journey step": q["step"]} for q in questions_now], hide_index=True)
    step_names = attributes.step_choices(session.db)
    if not step_names:
        st.caption("Map a journey in Journey health to link questions to its steps.")
    else:
        by_key = {q["id"]: q for q in questions_now}
        left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
        chosen_q = left.selectbox("Question", list(by_key), key="link_question",
                                  format_func=lambda i: by_key[i]["label"])
        chosen_step = middle.selectbox("Journey step", [None, *step_names], key="link_step",
                                       format_func=lambda s: "(no step)" if s is None
                                       else step_names[s])
        if right.button("Link", key="link_go", icon=":material/link:"):
            if shell.attempt(lambda: attributes.link_to_step(session, chosen_q, chosen_step)):
                shell.done(f"'{by_key[chosen_q]['label']}' is now linked to "
                           f"{step_names[chosen_step] if chosen_step else 'no step'}.")

st.divider()
st.subheader("Export")
st.write("Download the workspace's data as CSV. Cells that a spreadsheet would run as a formula "
         "(starting with =, +, - or @) are prefixed with ' so they open as plain text.")
left, right = st.columns([2, 1])
EXPORT_LABELS = {"customers": "Customers", "revenue_events": "Revenue events",
                 "responses": "Survey responses", "pulse": "Employee pulse (eNPS)"}
table = left.selectbox("Data", list(export.EXPORT_TABLES), key="export_table",
                       format_func=lambda t: EXPORT_LABELS.get(t, t.replace("_", " ").capitalize()))
if right.button("Prepare CSV", key="export_go", icon=":material/download:"):
    state["export_file"] = (table, export.export_csv(session, table))
prepared = state.get("export_file")
if prepared is not None:
    label = EXPORT_LABELS.get(prepared[0], prepared[0])
    st.download_button(f"Download {label} (CSV)", prepared[1],
                       file_name=f"{slugify(session.info.name)}-{prepared[0]}.csv",
                       mime="text/csv", key="export_download")
