"""Finding a configured metric column among an input's headers."""
from __future__ import annotations

import difflib
import re

from .config import ColumnMatch, ColumnSpec
from .errors import ColumnError
from .answer_text import canonical


def _available(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:30])
    return shown + (f" … ({len(columns)} in all)" if len(columns) > 30 else "")


def resolve_column(spec: ColumnSpec, columns: list[str], where: str, metric: str, questions: dict[str, str] | None = None) -> str:
    """The column ``spec`` names: exact, then ignoring case/spacing; a list tries each; ``{match}`` is a regex.

    Where an export names columns by id (Qualtrics ``Q3``), the question text behind each id matches too.
    """
    questions = questions or {}
    if isinstance(spec, ColumnMatch):
        pattern = re.compile(spec.match, re.IGNORECASE)
        found = [c for c in columns if pattern.search(c) or pattern.search(questions.get(c, ""))]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ColumnError(f"{metric}: no column of {where} matches /{spec.match}/; columns are: {_available(columns)}", "change the pattern in the config")
        raise ColumnError(f"{metric}: /{spec.match}/ matches {len(found)} columns of {where}: {_available(found)}", "make the pattern more specific, or name the column")
    candidates = [spec] if isinstance(spec, str) else list(spec)
    for wanted in candidates:
        if wanted in columns:
            return wanted
        loose = [c for c in columns if canonical(wanted) in (canonical(c), canonical(questions.get(c, "")))]
        if loose:
            return loose[0]
    close = difflib.get_close_matches(candidates[0], columns, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else "use one of the columns listed (case and spacing do not matter)"
    names = " or ".join(repr(c) for c in candidates)
    raise ColumnError(f"{metric}: column {names} is not in {where}; columns are: {_available(columns)}", hint)
