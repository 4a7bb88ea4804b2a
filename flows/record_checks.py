"""Checks of single statements before tables exist: refs resolve, values fit their column."""

from __future__ import annotations

from typing import Any

from jrr.flows.annotations import Annotations, Record
from jrr.flows.dates import EdtfError, parse_edtf
from jrr.flows.problems import Problem
from jrr.schemas import TABLES
from jrr.schemas.codes import EDTF_TEXT


def unknown_refs(annotations: Annotations) -> list[Problem]:
    """A problem for each `ref` naming no record of its table, or an event of another treaty."""
    known: dict[tuple[str, str], Record] = {}
    for record in annotations.records:
        known.setdefault((record.table, record.record_id), record)
    renamed = {
        (record.table, record.renamed_from): record.record_id
        for record in annotations.records
        if record.renamed_from
    }
    problems = []
    for ref in annotations.refs:
        record = known.get((ref.table, ref.record_id))
        if record is None:
            message = f"no {ref.table} record has id {ref.record_id!r}"
            if (ref.table, ref.record_id) in renamed:
                message += f": it was renamed to {renamed[ref.table, ref.record_id]!r}"
            problems.append(ref.location.problem("ref", message))
        elif record.article_id == ref.article_id:
            message = "a ref cites a record of another article; edit the record itself here"
            problems.append(ref.location.problem("ref", message))
        elif ref.parent_id is not None and record.parent_id != ref.parent_id:
            message = (
                f"event {ref.record_id!r} belongs to treaty {record.parent_id!r}, "
                f"not {ref.parent_id!r}"
            )
            problems.append(ref.location.problem("ref", message))
    return problems + _rename_problems(annotations)


def _rename_problems(annotations: Annotations) -> list[Problem]:
    """`renamed_from` must name an id that no current record of the table uses."""
    ids = {(record.table, record.record_id) for record in annotations.records}
    problems = []
    for record in annotations.records:
        old = record.renamed_from
        if old is not None and (record.table, old) in ids:
            message = f"{old!r} is still the id of a {record.table} record; a rename retires it"
            problems.append(record.location.problem("renamed_from", message))
    return problems


def value_problem(table: str, name: str, value: Any) -> str | None:
    """Why one article's value for one field cannot be published, or None.

    Every statement is checked here, not only the published one, because `claims` keeps all.
    """
    if value is None or not isinstance(value, str):
        return None
    column = TABLES[table].schema.columns[name]
    for check in column.checks:
        if check.name == "isin" and value not in check.statistics["allowed_values"]:
            if len(check.statistics["allowed_values"]) > 12:
                return f"{value!r} is not an allowed value (see the data dictionary)"
            allowed = ", ".join(check.statistics["allowed_values"])
            return f"{value!r} is not an allowed value ({allowed})"
        if check.name == "str_matches" and check.statistics["pattern"] == EDTF_TEXT:
            try:
                parse_edtf(value)
            except EdtfError as error:
                return str(error)
    return None
