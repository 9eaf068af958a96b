"""Import data: upload a file, check how its columns map, see every bad row, then import.

The uploaded file lives in ``st.session_state["import_source"]`` ({"name", "data"}) and the
parsed preview beside it, so reruns (changing a mapping, pressing a button) don't re-upload, and
tests can put a file there directly. Also: past imports with Undo, and CSV export.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import streamlit as st

from cxcore import export, importers
from cxcore import import_formats as fmt
from cxcore.storage import slugify
from cxcore.upload_limits import ENCODING_CHOICES
from cxui import shell

session = shell.page_session("editor")

KIND_LABELS = {"customers": "Customers", "revenue": "Revenue events",
               "responses": "Survey responses", "pulse": "Employee pulse (eNPS)"}
IGNORE_LABEL = "(don't import)"
DATE_CHOICES = ["", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y",
                "%m/%d/%y", "%d %b %Y", "%b %d %Y"]
state = st.session_state
state.setdefault("import_round", 0)  # bumped to clear the uploader after import/cancel


def when(iso: str | None) -> str:
    """A stored ISO time as "25 Nov 2026 08:51" (UTC, as stored)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment.day} {moment:%b %Y %H:%M}"


def clear_upload() -> None:
    for key in ("import_source", "import_preview", "import_overrides"):
        state.pop(key, None)
    state["import_round"] += 1


st.title("Import data")
st.write("Bring in customers, revenue events, survey responses or employee pulse answers from "
         "a CSV or Excel file. Exports from Qualtrics, SurveyMonkey and Delighted are recognised; "
         "so are spreadsheets whose headers are the survey questions. Nothing is stored until you "
         "press **Import**; an import can be undone as a whole, and importing the same file again "
         "does not count anything twice.")

kind = st.selectbox("What does the file hold?", importers.KINDS, format_func=KIND_LABELS.get,
                    key="import_kind")
with st.expander("Dates, tenure and encoding (when the file needs them)"):
    st.caption("Customer effort (CES) is stored on 1-7 where **7 means very easy**: higher is "
               "better.")
    ces_low_is_easy = st.checkbox(
        "My survey's effort scale had 1 = very easy (store 8 - answer)",
        key="import_ces_low_is_easy")
    default_date = st.text_input(
        "Date for every row (YYYY-MM-DD)", key="import_default_date",
        help="For survey exports without a date column, e.g. the day a survey wave closed.")
    reference_date = st.text_input(
        "Reference date of a tenure column (YYYY-MM-DD)", key="import_reference_date",
        help="Customers: start date = this date minus the tenure in months.")
    date_format = st.selectbox(
        "How dates are written, if detection gets it wrong", DATE_CHOICES,
        key="import_date_format",
        format_func=lambda f: ("Detect automatically" if not f
                               else f"like {fmt.date_example(f)}"))
    encoding = st.selectbox(
        "Text encoding of a CSV file, if its text looks garbled", ENCODING_CHOICES,
        key="import_encoding", format_func=lambda e: e or "Detect automatically")

upload = st.file_uploader("CSV or Excel file", type=["csv", "txt", "tsv", "xlsx"],
                          key=f"import_upload_{state['import_round']}")
if upload is not None:
    data = upload.getvalue()
    current = state.get("import_source")
    if current is None or current["name"] != upload.name or current["data"] != data:
        state["import_source"] = {"name": upload.name, "data": data}
        state.pop("import_preview", None)

source = state.get("import_source")
if source is not None:
    file_key = hashlib.sha1(source["data"]).hexdigest()[:12]
    prefix = f"map_{file_key}_{kind}_"
    # The user's mapping choices for this file and kind: every selectbox that now differs from
    # the mapping the last preview used is a choice the user just made.
    overrides = state.setdefault("import_overrides", {}).setdefault(prefix, {})
    cached = state.get("import_preview")
    if cached is not None and cached[0][:2] == (file_key, kind):
        for key, value in list(state.items()):
            if str(key).startswith(prefix):
                column, chosen = str(key)[len(prefix):], "" if value == IGNORE_LABEL else value
                if cached[1].mapping.get(column, "") != chosen:
                    overrides[column] = chosen
    options = (default_date.strip() or None, reference_date.strip() or None,
               date_format or None, ces_low_is_easy, encoding or None)
    signature = (file_key, kind, tuple(sorted(overrides.items())), options)
    preview = None
    if cached is not None and cached[0] == signature:
        preview = cached[1]
    else:
        with st.spinner("Reading and checking every row..."):
            preview = shell.run_action(lambda: importers.prepare_import(
                kind, source["data"], filename=source["name"], mapping=overrides or None,
                known_customer_ids=session, default_date=options[0],
                reference_date=options[1], date_format=options[2],
                ces_low_is_easy=options[3], encoding=options[4]))
        if preview is not None:
            state["import_preview"] = (signature, preview)

    if preview is not None:
        d = preview.detected
        st.subheader(shell.esc(source["name"]))
        st.caption(shell.esc(
            f"{d['format']} layout, encoding {d.get('encoding') or 'n/a'}, "
            f"delimiter {d.get('delimiter_name') or 'n/a'}; {preview.total_rows:,} rows."))
        for note in preview.notes:
            st.info(shell.esc(note))

        st.markdown("**Columns**: check what each column of the file becomes.")
        fields = importers.field_labels(kind)
        choices = [IGNORE_LABEL, *fields]
        columns_in_file = list(preview.mapping) + preview.unmapped
        grid = st.columns(3)
        for i, column in enumerate(c for c in preview.head.columns if c in columns_in_file):
            # Show what the preview actually used (a choice can displace another column's).
            state[prefix + column] = preview.mapping.get(column, IGNORE_LABEL)
            with grid[i % 3]:
                st.selectbox(shell.esc(column), choices, key=prefix + column,
                             format_func=lambda f: f if f == IGNORE_LABEL else fields[f])

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
        good.metric("Rows ready to import", f"{preview.valid_rows:,}")
        bad.metric("Rows with problems", f"{preview.bad_rows:,}")
        if preview.problems:
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
                state["import_done"] = (
                    f"Imported {result.inserted:,} rows"
                    + (f" as batch {result.batch_id}" if result.batch_id else "")
                    + f"; {result.skipped_duplicates:,} were already there.")
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
          "When (UTC)": when(b["created_at"]),
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
st.subheader("Export")
st.write("Download the workspace's data as CSV. Cells that a spreadsheet would run as a formula "
         "(starting with =, +, - or @) are prefixed with ' so they open as plain text.")
left, right = st.columns([2, 1])
table = left.selectbox("Table", list(export.EXPORT_TABLES), key="export_table")
if right.button("Prepare CSV", key="export_go", icon=":material/download:"):
    state["export_file"] = (table, export.export_csv(session, table))
prepared = state.get("export_file")
if prepared is not None:
    st.download_button(f"Download {prepared[0]}.csv", prepared[1],
                       file_name=f"{slugify(session.info.name)}-{prepared[0]}.csv",
                       mime="text/csv", key="export_download")
