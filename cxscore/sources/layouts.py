"""Known export layouts, recognised from the header rows (never from the file name).

A layout says how many rows the header takes, what each column is called, the question text
behind it, which columns are platform metadata, which answers mean "skipped", which rows are not
real responses (previews, spam, unfinished), and how stored answers relate to scale points.
The generic layout (one header row) is the fallback.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .base import unique_headers

QUALTRICS_META = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished", "recordeddate",
    "responseid", "recipientlastname", "recipientfirstname", "recipientemail", "externalreference", "locationlatitude",
    "locationlongitude", "distributionchannel", "userlanguage", "q_recaptchascore", "q_relevantidduplicate",
}
#: Compared without spaces: older exports write RespondentID, CollectorID, StartDate, FirstName, Custom Data.
SURVEYMONKEY_META = {"respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress", "firstname", "lastname", "customdata", "customdata1"}
WJX_META = {"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自ip", "总分"}
TENCENT_META = {"编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省", "地理位置市", "自定义字段", "用户类型", "用户标识", "昵称", "ip"}
FORMS_META = {
    "google_forms": {"timestamp", "email address", "score"},
    "microsoft_forms": {"id", "start time", "completion time", "email", "name", "last modified time"},
    "typeform": {"#", "start date (utc)", "submit date (utc)", "network id", "stage", "response type"},
    "delighted": {"response id", "score", "comment", "created at", "updated at", "permalink", "email", "name", "delighted source", "delighted device type"},
}
SURVEYMONKEY_ROW2 = {"response", "open-ended response", ""}
#: Headers of a response-id column, across platforms.
ID_COLUMN = re.compile(r"response ?id|respondent ?id|id|#|no\.?|编号|序号|答卷编号", re.IGNORECASE)


def is_id_column(name: str) -> bool:
    """Whether a header names the response id (ResponseId, Respondent ID, #, 序号, 编号, …)."""
    return bool(ID_COLUMN.fullmatch(name.strip()))


@dataclass
class Layout:
    """How one export is laid out."""

    name: str = "generic"
    header_rows: int = 1
    columns: list[str] = field(default_factory=list)
    questions: dict[str, str] = field(default_factory=dict)  # column → question text, where it differs
    metadata: set[str] = field(default_factory=set)
    blank_values: list[str] = field(default_factory=list)
    position_download: bool = False  # 问卷星 "by option position": answers are option numbers, not scores
    metric_hints: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # column → (type, lo, hi) the platform defines
    notes: list[str] = field(default_factory=list)

    def question(self, column: str) -> str:
        """The text detection and people should read for a column."""
        return self.questions.get(column, column)


def _norm(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def _qualtrics(rows: list[list[str]]) -> Layout | None:
    if len(rows) >= 3 and any(str(c).startswith('{"ImportId"') for c in rows[2]):
        columns = unique_headers(rows[0])
        questions = {c: " ".join(str(q).split()) for c, q in zip(columns, rows[1]) if q and str(q).strip() and str(q).strip() != c}
        layout = Layout("qualtrics", 3, columns, questions)
        # An NPS question has a companion X_NPS_GROUP column, whatever language its text is in.
        layout.metric_hints = {c[: -len("_NPS_GROUP")]: ("nps", 0, 10) for c in columns if c.endswith("_NPS_GROUP") and c[: -len("_NPS_GROUP")] in columns}
        for column, meta in zip(columns, rows[2]):
            try:
                import_id = json.loads(meta).get("ImportId", "")
            except (ValueError, AttributeError):
                import_id = ""
            if _norm(column) in QUALTRICS_META or not str(import_id).startswith("QID"):
                layout.metadata.add(column)
        return layout
    if len(rows) >= 2 and rows[0] and str(rows[0][0]).strip() == "V1" and all(re.fullmatch(r"V\d+|Q\w*|\w+", str(c)) for c in rows[0][:5]):
        columns = unique_headers(rows[0])
        questions = {c: " ".join(str(q).split()) for c, q in zip(columns, rows[1]) if q}
        layout = Layout("qualtrics_legacy", 2, columns, questions, notes=["legacy Qualtrics export (V1, V2, … column ids)"])
        layout.metadata = {c for c in columns if re.fullmatch(r"V\d+", c)}
        return layout
    return None


def _compact(text) -> str:
    return _norm(text).replace(" ", "")


def _is_surveymonkey(rows: list[list[str]]) -> bool:
    """Respondent and collector ids (``Respondent ID`` or the older ``RespondentID``), or a respondent id over a
    blank cell in a second row of ``Response`` / ``Open-Ended Response`` sub-headers (published exports are
    often trimmed to RespondentID and the questions)."""
    if len(rows) < 2:
        return False
    names = [_compact(c) for c in rows[0]]
    if {"respondentid", "collectorid"} <= set(names):
        return True
    if "respondentid" not in names:
        return False
    sub = [_norm(c) for c in rows[1]]
    column = names.index("respondentid")
    return column < len(sub) and not sub[column] and any(c in ("response", "open-ended response") for c in sub)


def _surveymonkey(rows: list[list[str]]) -> Layout | None:
    if not _is_surveymonkey(rows):
        return None
    names: list[str] = []
    questions: dict[str, str] = {}
    question = ""
    for top, sub in zip(rows[0], list(rows[1]) + [""] * (len(rows[0]) - len(rows[1]))):
        top, sub = " ".join(str(top or "").split()), " ".join(str(sub or "").split())
        question = top or question  # a blank cell continues the question to its left
        name = question if _norm(sub) in SURVEYMONKEY_ROW2 else f"{question} — {sub}"
        names.append(name)
    columns = unique_headers(names)
    return Layout("surveymonkey", 2, columns, questions, metadata={c for c in columns if _compact(c) in SURVEYMONKEY_META})


def _single_row(rows: list[list[str]]) -> Layout:
    columns = unique_headers(rows[0]) if rows else []
    normalized = {_norm(c) for c in columns}
    if {"序号", "提交答卷时间"} <= normalized:
        body = [cell for row in rows[1:] for cell in row]
        position = any(str(c).strip() in ("-3", "-2", "-3.0", "-2.0") for c in body) or any(c.startswith("第") and "题(" in c for c in columns)
        layout = Layout("wjx", 1, columns, blank_values=["-3", "-2", "-3.0", "-2.0"] if position else [], position_download=position)
        layout.metadata = {c for c in columns if _norm(c) in WJX_META}
        layout.questions = _wjx_matrix_questions(columns)
        if position:
            layout.notes.append("问卷星 download by option position: answers are option numbers (-3 skipped, -2 not shown)")
        return layout
    if {"编号", "开始答题时间", "结束答题时间"} <= normalized:
        return Layout("tencent", 1, columns, metadata={c for c in columns if _norm(c) in TENCENT_META or not c.startswith(tuple("0123456789"))})
    for name, meta in FORMS_META.items():
        first = _norm(columns[0]) if columns else ""
        if name == "google_forms" and first == "timestamp":
            return Layout(name, 1, columns, metadata={c for c in columns if _norm(c) in {"timestamp", "email address"}})
        if name == "microsoft_forms" and {"id", "start time", "completion time"} <= normalized:
            return Layout(name, 1, columns, metadata={c for c in columns if _norm(c) in meta})
        if name == "typeform" and {"submit date (utc)", "network id"} <= normalized:
            return Layout(name, 1, columns, metadata={c for c in columns if _norm(c) in meta})
        if name == "delighted" and {"score", "created at"} <= normalized and ("comment" in normalized or "permalink" in normalized):
            score = next(c for c in columns if _norm(c) == "score")
            return Layout(name, 1, columns, metadata={c for c in columns if _norm(c) in meta} - {score}, metric_hints={score: ("nps", 0, 10)})
    return Layout("generic", 1, columns)


def _wjx_matrix_questions(columns: list[str]) -> dict[str, str]:
    """问卷星 matrix questions: ``13、题干—第一行`` then bare row-label columns; give each row its question."""
    questions: dict[str, str] = {}
    stem = None
    for column in columns:
        numbered = re.match(r"^\d+、", column) or re.match(r"^第\d+题", column)
        if numbered:
            stem = column.split("—", 1)[0] if "—" in column else None
            if stem:
                questions[column] = column
            continue
        if stem and _norm(column) not in WJX_META:
            questions[column] = f"{stem}—{column}"
    return questions


def detect_layout(rows: list[list[str]]) -> Layout:
    """The layout of an export from its first rows (header rows and a few answers)."""
    return _qualtrics(rows) or _surveymonkey(rows) or _single_row(rows)
