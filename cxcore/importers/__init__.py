"""Importing customers, revenue events, survey responses and employee pulse answers from files.

Two steps, so people see what will happen before anything is stored:

1. :func:`prepare_import` reads the file (CSV in UTF-8, UTF-8 with BOM, Windows-1252 or Latin-1;
   comma, semicolon or tab separated; or Excel), recognises the layout (Qualtrics, SurveyMonkey,
   Delighted, plain), maps columns to fields from their headers (the user can override any
   mapping), parses every cell and lists every bad row with its row number, column and reason.
   Nothing is stored.
2. :func:`commit_import` stores the valid rows in one transaction as one batch, skipping rows
   already stored by an earlier import of the same data (so importing a file twice does not
   double-count). :func:`undo_import` removes a batch.

Row numbers in problems are the spreadsheet row of the record: the header is row 1 (rows 1-3 for
Qualtrics, 1-2 for SurveyMonkey), so the first answer of a plain file is row 2.

Conventions stored for the metrics: dates are ISO ``YYYY-MM-DD``; customer effort (``ces``) is
1-7 where **7 means very easy** (higher is better); revenue ``amount`` is always positive and the
``kind`` says its direction (``refund`` and ``downgrade`` reduce revenue).

The package, lowest first: ``base`` (limits, :class:`FieldSpec`, reference lookups) < one
module per kind (``customers``, ``revenue``, ``responses``, ``pulse``: its fields, header
synonyms, question texts and ``finish`` rules) < ``mapping`` (columns -> fields) <
``preview`` (:class:`ImportPreview`) < ``validate`` (the parsers, shared checks) <
``prepare`` (:func:`prepare_import`) < ``commit`` (:func:`commit_import`,
:func:`undo_import`). Everything public is re-exported here: callers use
``from cxcore import importers`` and ``importers.prepare_import(...)``.
"""

from cxcore.errors import ValidationError
from cxcore.importers.base import (
    IGNORE,
    IMPORT_CACHE_KIB,
    INSERT_CHUNK,
    KINDS,
    MAX_PROBLEMS,
    MISSING_MARKERS,
    SCORE_FIELDS,
    SNAPSHOT_KEY,
    SNAPSHOT_SETTING,
    TABLES,
    FieldSpec,
    attribute_column,
)
from cxcore.importers.commit import commit_import, list_batches, undo_import
from cxcore.importers.mapping import (
    FIELDS,
    QUESTION_PATTERNS,
    SYNONYMS,
    auto_mapping,
    field_labels,
    field_names,
    suggest_kind,
)
from cxcore.importers.prepare import prepare_import, suggest_file_kind
from cxcore.importers.preview import ImportPreview, ImportResult
from cxcore.importers.revenue import REVENUE_KIND_WORDS

__all__ = [
    "FIELDS", "IGNORE", "IMPORT_CACHE_KIB", "INSERT_CHUNK", "KINDS", "MAX_PROBLEMS",
    "MISSING_MARKERS", "QUESTION_PATTERNS", "REVENUE_KIND_WORDS", "SCORE_FIELDS",
    "SNAPSHOT_KEY", "SNAPSHOT_SETTING", "SYNONYMS", "TABLES", "FieldSpec", "ImportPreview",
    "ImportResult", "ValidationError", "attribute_column", "auto_mapping", "commit_import",
    "field_labels", "field_names", "list_batches", "prepare_import", "suggest_file_kind",
    "suggest_kind", "undo_import",
]
