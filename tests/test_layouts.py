"""Real-world export layouts, zero config: each fixture follows the platform's documented layout."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cxscore import score
from cxscore.config import validate_config
from cxscore.pipeline import Options
from conftest import by_metric

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "wjx"
needs_real = pytest.mark.skipif(not REAL.exists(), reason="the shared real exports are not beside this checkout")


def qualtrics_rows(choice_text: bool = False):
    """Numeric-values export (codes) or choice-text export (labels); NPS is 0–10 in both."""
    nps = ["9", "10", "6", "8", "10"]
    csat = ["Extremely satisfied", "Somewhat satisfied", "Somewhat dissatisfied", "Neither satisfied nor dissatisfied", ""] if choice_text else ["5", "4", "2", "3", ""]
    return [
        ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId", "Q1", "Q3", "Q3_NPS_GROUP", "Q4", "Q5"],
        ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
         "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?", "How likely are you to recommend us to a friend?", "How likely are you to recommend us to a friend? - Group",
         "Overall, how satisfied are you?", "How easy was it to get help?"],
        ['{"ImportId":"startDate","timeZone":"America/Denver"}', '{"ImportId":"endDate","timeZone":"America/Denver"}', '{"ImportId":"status"}', '{"ImportId":"ipAddress"}',
         '{"ImportId":"progress"}', '{"ImportId":"duration"}', '{"ImportId":"finished"}', '{"ImportId":"recordedDate","timeZone":"America/Denver"}',
         '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}', '{"ImportId":"QID3"}', '{"ImportId":"QID3_NPS_GROUP"}', '{"ImportId":"QID4"}', '{"ImportId":"QID5"}'],
        ["2025-03-01 10:00:00", "2025-03-01 10:05:00", "IP Address", "1.2.3.4", "100", "300", "True", "2025-03-01 10:05:01", "R_1", "3", nps[0], "3", csat[0], "6"],
        ["2025-03-02 10:00:00", "2025-03-02 10:05:00", "IP Address", "1.2.3.5", "100", "300", "True", "2025-03-02 10:05:01", "R_2", "4", nps[1], "3", csat[1], "7"],
        ["2025-03-03 10:00:00", "2025-03-03 10:05:00", "IP Address", "1.2.3.6", "100", "300", "True", "2025-03-03 10:05:01", "R_3", "1", nps[2], "1", csat[2], "2"],
        ["2025-03-04 10:00:00", "2025-03-04 10:05:00", "Survey Preview", "", "100", "300", "True", "2025-03-04 10:05:01", "R_4", "9", nps[3], "2", csat[3], "4"],
        ["2025-03-05 10:00:00", "2025-03-05 10:05:00", "IP Address", "1.2.3.8", "40", "100", "False", "2025-03-05 10:05:01", "R_5", "0", nps[4], "3", csat[4], ""],
    ]


HAND_CONFIG = {"metrics": [
    {"name": "nps", "type": "nps", "column": "Q3"},
    {"name": "csat", "type": "csat", "column": "Q4"},
    {"name": "ces", "type": "ces", "column": "Q5"},
]}


@pytest.mark.parametrize("choice_text", [False, True])
def test_qualtrics_csv_three_header_rows(write_csv, choice_text):
    path = write_csv(qualtrics_rows(choice_text))
    report = score([str(path)])
    info = report.inputs[0]
    assert (info.layout, info.header_rows, info.rows) == ("qualtrics", 3, 5)
    assert info.excluded == {"survey previews, tests and spam": 1, "unfinished responses": 1}
    got = by_metric(report)
    # Q1 asks to recommend too, but in German: it is 0–10 and not the English question; both are detected as
    # recommend questions only where the text says so. Q3_NPS_GROUP is never scored.
    assert [m.column for m in report.metrics] == ["Q3", "Q4", "Q5"]
    assert (got["nps"].n, got["nps"].value) == (3, pytest.approx(100 * (2 - 1) / 3))
    assert got["csat"].value == pytest.approx(200 / 3)
    hand = score([str(path)], validate_config(HAND_CONFIG))
    assert {m: (r.n, r.value) for m, r in by_metric(hand).items()} == {m: (r.n, r.value) for m, r in got.items()}
    assert report.metrics[0].question == "How likely are you to recommend us to a friend?"
    kept = score([str(path)], options=Options(include_incomplete=True))
    assert kept.inputs[0].excluded == {"survey previews, tests and spam": 1} and by_metric(kept)["nps"].n == 4


def test_qualtrics_xlsx_and_tsv(tmp_path, write_csv):
    rows = qualtrics_rows()
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(tmp_path / "q.xlsx")
    tsv = write_csv(rows, name="q.tsv", delimiter="\t")
    for path in (tmp_path / "q.xlsx", tsv):
        report = score([str(path)])
        assert report.inputs[0].layout == "qualtrics" and by_metric(report)["nps"].n == 3


def test_qualtrics_legacy_two_rows(write_csv):
    path = write_csv([
        ["V1", "V2", "V3", "V10", "Q1", "Q2"],
        ["ResponseID", "ResponseSet", "Name", "Finished", "How likely is it that you would recommend us?", "How satisfied are you overall?"],
        ["R_1", "Default", "A", "1", "10", "5"],
        ["R_2", "Default", "B", "1", "3", "2"],
    ])
    report = score([str(path)])
    assert report.inputs[0].layout == "qualtrics_legacy" and [m.column for m in report.metrics] == ["Q1", "Q2"]
    assert by_metric(report)["nps"].value == 0.0


def surveymonkey_rows():
    return [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1",
         "How likely is it that you would recommend this company to a friend or colleague?", "How satisfied are you with:", "", "Any comments?"],
        ["", "", "", "", "", "", "", "", "", "Response", "Price", "Support", "Open-Ended Response"],
        ["1001", "42", "03/14/2025 09:05:11 AM", "03/14/2025 09:07:00 AM", "1.1.1.1", "", "", "", "", "10 - Extremely likely", "Very satisfied", "Satisfied", "great"],
        ["1002", "42", "03/15/2025 01:05:11 PM", "03/15/2025 01:07:00 PM", "1.1.1.2", "", "", "", "", "0 - Not at all likely", "Dissatisfied", "Very satisfied", ""],
        ["1003", "42", "04/02/2025 11:00:00 PM", "04/02/2025 11:01:00 PM", "1.1.1.3", "", "", "", "", "9", "Neutral", "Very dissatisfied", "meh"],
    ]


def test_surveymonkey_two_header_rows_matrix_and_anchored_answers(write_csv):
    report = score([str(write_csv(surveymonkey_rows()))], options=Options(period="month"))
    assert report.inputs[0].layout == "surveymonkey" and report.inputs[0].header_rows == 2
    names = {m.name: m.column for m in report.metrics}
    assert names == {
        "nps": "How likely is it that you would recommend this company to a friend or colleague?",
        "csat_price": "How satisfied are you with: — Price",
        "csat_support": "How satisfied are you with: — Support",
    }
    got = by_metric(report)
    assert (got["nps"].n, got["nps"].value) == (3, pytest.approx(100 * (2 - 1) / 3))
    assert got["csat_price"].value == pytest.approx(100 / 3) and got["csat_support"].value == pytest.approx(200 / 3)
    assert report.inputs[0].date_column == "End Date"
    assert [r.period for r in report.results if r.metric == "nps" and r.period] == ["2025-03", "2025-04"]


LEGACY_SURVEYMONKEY = ["RespondentID", "CollectorID", "StartDate", "EndDate", "IP Address", "Email Address", "FirstName", "LastName", "Custom Data"]


@pytest.mark.parametrize("meta", [LEGACY_SURVEYMONKEY, ["RespondentID"]], ids=["legacy-headers", "trimmed-to-respondent-id"])
def test_surveymonkey_older_header_names(write_csv, meta):
    """Older SurveyMonkey exports spell the metadata without spaces (RespondentID, CollectorID, StartDate), and
    published ones are often trimmed to RespondentID (FiveThirtyEight's StarWars.csv, steak-risk-survey.csv): the
    second header row (Response / option labels) was read as an answer and the matrix rows lost their names."""
    rows = surveymonkey_rows()
    keep = [0] if meta == ["RespondentID"] else list(range(9))
    rows = [[row[i] for i in keep] + row[9:] for row in rows]
    rows[0][: len(meta)] = meta
    report = score([str(write_csv(rows))])
    assert report.inputs[0].layout == "surveymonkey" and report.inputs[0].header_rows == 2
    assert {m.name: m.column for m in report.metrics} == {
        "nps": "How likely is it that you would recommend this company to a friend or colleague?",
        "csat_price": "How satisfied are you with: — Price",
        "csat_support": "How satisfied are you with: — Support",
    }
    got = by_metric(report)
    assert (got["nps"].n, got["nps"].invalid, got["nps"].value) == (3, 0, pytest.approx(100 / 3))
    assert (got["csat_price"].n, got["csat_price"].invalid) == (3, 0)


def test_a_respondent_id_column_alone_is_not_surveymonkey(write_csv):
    """Without the sub-header row (Response / Open-Ended Response) a file with a RespondentID column stays generic."""
    answers = [[str(i), str(i % 11)] for i in range(3, 23)]
    path = write_csv([["RespondentID", "How likely are you to recommend us?"], ["1", "10"], ["2", "Response"], *answers])
    report = score([str(path)])
    assert report.inputs[0].layout == "generic" and by_metric(report)["nps"].n == 21


def test_tencent_quoted_trailing_comma_and_letter_prefixes(tmp_path):
    path = tmp_path / "tencent.csv"
    text = (
        '"编号","开始答题时间","结束答题时间","答题时长","1.您向朋友推荐我们的可能性有多大？","2.您对本次服务满意吗？",\n'
        '"1","2025-03-01 10:00:00","2025-03-01 10:03:00","180","9","A.非常满意",\n'
        '"2","2025-03-02 10:00:00","2025-03-02 10:03:00","180","1","C.一般",\n'
        '"3","2025-03-03 10:00:00","2025-03-03 10:03:00","180","10","B.满意",\n'
    )
    path.write_text(text, encoding="utf-8")
    report = score([str(path)])
    assert report.inputs[0].layout == "tencent"
    got = by_metric(report)
    assert got["csat"].value == pytest.approx(200 / 3)
    assert got["nps"].value == pytest.approx(100 / 3)


def test_7_level_chinese_satisfaction(write_csv):
    path = write_csv([["满意度"], ["非常满意"], ["比较满意"], ["满意"], ["一般"], ["比较不满意"], ["不满意"], ["非常不满意"]], encoding="gb18030")
    report = score([str(path)])
    assert report.metrics[0].scale == [1, 7]
    assert by_metric(report)["csat"].components["mean"] == pytest.approx(4.0)


@pytest.mark.parametrize(
    "header, layout",
    [
        (["Timestamp", "Email Address", "How likely are you to recommend us?"], "google_forms"),
        (["ID", "Start time", "Completion time", "Email", "Name", "How likely are you to recommend us?"], "microsoft_forms"),
        (["#", "How likely are you to recommend us?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"], "typeform"),
    ],
)
def test_forms_layouts(write_csv, header, layout):
    index = next(i for i, h in enumerate(header) if "recommend" in h)
    rows = [header] + [["2025-03-01 10:00:00" if "date" in h.lower() or "time" in h.lower() else ("10" if i == index else "x") for i, h in enumerate(header)] for _ in range(3)]
    report = score([str(write_csv(rows))])
    assert report.inputs[0].layout == layout and by_metric(report)["nps"].value == 100.0


def test_delighted_score_is_nps(write_csv):
    rows = [["Response ID", "Score", "Comment", "Created at", "Permalink"], ["1", "10", "great", "2025-03-01", "x"], ["2", "3", "bad", "2025-03-02", "y"]]
    report = score([str(write_csv(rows))])
    assert report.inputs[0].layout == "delighted" and by_metric(report)["nps"].value == 0.0
    assert "delighted layout defines it" in report.metrics[0].selected_by


def test_helpdesk_good_bad_ratings(write_csv):
    rows = [["Ticket ID", "Satisfaction Rating"], ["1", "Good"], ["2", "good, I'm satisfied"], ["3", "Bad"], ["4", "Offered"], ["5", "Good"]]
    config = validate_config({"blank_values": ["offered", "unoffered"]})
    report = score([str(write_csv(rows))], config)
    csat = by_metric(report)["csat"]
    assert report.metrics[0].scale == [0, 1] and (csat.n, csat.blank, csat.value) == (4, 1, 75.0)


@pytest.mark.parametrize("satisfied, other", [("Satisfied", "Neutral or Dissatisfied"), ("satisfied", "neutral or dissatisfied")])
def test_satisfied_or_neutral_or_dissatisfied_is_a_two_point_csat(write_csv, satisfied, other):
    """The Kaggle airline passenger survey (129,880 rows) ends with an overall 'Satisfaction' of 'Satisfied' or
    'Neutral or Dissatisfied': a two-point CSAT, which was passed over as 'not on a scale' (half its answers not
    understood), while its 0–5 service items were scored."""
    header = ["ID", "Gender", "Age", "Ease of Online Booking", "Seat Comfort", "Satisfaction"]
    answers = [satisfied] * 13 + [other] * 17
    rows = [header] + [[str(1000 + i), "Female", "40", str(1 + i % 5), str(i % 6), answer] for i, answer in enumerate(answers)]
    report = score([str(write_csv(rows))])
    csat = by_metric(report)["csat"]
    assert next(m for m in report.metrics if m.name == "csat").scale == [0, 1]
    assert (csat.n, csat.invalid, csat.value) == (30, 0, pytest.approx(100 * 13 / 30))


def test_snake_case_headers_name_their_metric(write_csv):
    """Database and BI extracts write survey_q6_nps, csat_score, ease_of_use, net_promoter_score: the underscore is a
    word character, so \\bnps\\b never matched and a public CX extract (JaredRentz/CX-Business-Scenario
    survey_responses.csv, 1,000 rows) had 'no NPS, CSAT or CES column'. Words that merely contain the letters stay out."""
    header = ["id", "survey_q6_nps", "csat_score", "ease_of_use", "net_promoter_score", "process_time", "services_used"]
    rows = [header] + [[str(i), str(1 + i % 10), str(1 + i % 5), str(1 + (i * 3) % 5), str(i % 11), str(i), "2"] for i in range(40)]
    report = score([str(write_csv(rows))])
    assert {m.name: m.column for m in report.metrics} == {
        "nps": "survey_q6_nps", "csat": "csat_score", "ces": "ease_of_use", "nps_2": "net_promoter_score"}
    nps = by_metric(report)["nps"]
    assert (nps.n, nps.value) == (40, pytest.approx(100 * (8 - 24) / 40))


def test_two_ten_point_questions_only_recommend_is_nps(write_csv):
    rows = [["How likely are you to recommend us?", "How likely are you to buy again (0-10)?"], ["10", "2"], ["9", "3"], ["2", "10"]]
    messages = []
    report = score([str(write_csv(rows))], notify=messages.append)
    assert [m.column for m in report.metrics] == ["How likely are you to recommend us?"]
    assert any("nps: column 'How likely are you to recommend us?'" in m for m in messages)


@needs_real
def test_wjx_text_download_real_file():
    report = score([str(REAL / "wjx_0to10_text.xls")])
    info = report.inputs[0]
    assert info.layout == "wjx" and info.format == "xls" and info.rows == 4
    q15 = next(m for m in report.metrics if m.column.startswith("15、"))
    assert q15.scale == [0, 10] and q15.offset == 0
    row = by_metric(report)[q15.name]
    assert (row.n, row.blank, row.components["mean"]) == (2, 2, 3.0)  # "3分" twice, "(跳过)" twice


@needs_real
def test_wjx_position_download_is_shifted_not_scored_as_given():
    text = by_metric(score([str(REAL / "wjx_0to10_text.xls")]))
    report = score([str(REAL / "wjx_0to10_numeric.xls")])
    assert report.inputs[0].layout == "wjx"
    q15 = next(m for m in report.metrics if m.column.startswith("15、"))
    assert q15.offset == -1 and "shifted by -1" in q15.selected_by
    row = by_metric(report)[q15.name]
    assert row.components["mean"] == text[q15.name].components["mean"] == 3.0  # stored 4 = option "3分"
    assert row.blank == 2  # -3 = skipped


@needs_real
def test_wjx_800_rows_both_downloads_without_a_metric_say_so():
    from cxscore.errors import InputError
    from cxscore.sources import open_source

    for name in ("wjx_800_text.xls", "wjx_800_numeric.xls"):
        source = open_source(str(REAL / name))
        assert source.info.layout == "wjx" and len(source.sample) == 800
        with pytest.raises(InputError, match="no NPS, CSAT or CES column found"):
            score([str(REAL / name)])
    assert open_source(str(REAL / "wjx_800_numeric.xls")).layout.position_download
    assert not open_source(str(REAL / "wjx_800_text.xls")).layout.position_download


def test_qualtrics_nps_found_by_its_group_column_in_any_language(write_csv):
    rows = qualtrics_rows()
    rows[1][10] = "Wie wahrscheinlich ist es, dass Sie unser Unternehmen einem Freund empfehlen?"
    rows[1][12] = "Wie zufrieden sind Sie insgesamt?"
    report = score([str(write_csv(rows))])
    assert [(m.name, m.column) for m in report.metrics][0] == ("nps", "Q3")
    assert "qualtrics layout defines it" in report.metrics[0].selected_by


def test_inspect_and_its_starter_config_reproduce_zero_config(tmp_path, write_csv):
    import json

    from conftest import invoke
    from cxscore.config import load_config

    path = write_csv(qualtrics_rows(choice_text=True))
    written = tmp_path / "starter.yaml"
    result = invoke(["inspect", str(path), "--format", "json", "--write-config", str(written)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["layout"], doc["header_rows"], doc["rows"]) == ("qualtrics", 3, 5)
    assert doc["excluded"] == {"survey previews, tests and spam": 1, "unfinished responses": 1}
    roles = {c["column"]: c["role"] for c in doc["columns"]}
    assert roles["Q3"] == "metric: nps" and roles["Q3_NPS_GROUP"] == "companion" and roles["ResponseId"] == "id"
    assert roles["Status"] == "metadata" and doc["plan"]["date_column"] == "RecordedDate"
    assert [m["column"] for m in doc["plan"]["metrics"]] == ["Q3", "Q4", "Q5"]
    zero = {m: (r.n, r.value) for m, r in by_metric(score([str(path)])).items()}
    configured = {m: (r.n, r.value) for m, r in by_metric(score([str(path)], load_config(written))).items()}
    assert configured == zero
    table = invoke(["inspect", str(path)]).stdout
    assert "qualtrics layout" in table and "What `cxscore score` would do with no config" in table


@needs_real
def test_inspect_real_wjx_position_download(tmp_path):
    from conftest import invoke
    from cxscore.config import load_config

    written = tmp_path / "wjx.yaml"
    assert invoke(["inspect", str(REAL / "wjx_0to10_numeric.xls"), "--write-config", str(written)]).exit_code == 0
    config = load_config(written)
    assert config.metrics[0].offset == -1 and config.metrics[0].scale.hi == 10
    assert by_metric(score([str(REAL / "wjx_0to10_numeric.xls")], config))["csat"].components["mean"] == 3.0


def test_monthly_exports_with_added_and_reordered_columns(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2025-01.csv").write_text("Response ID,How likely to recommend?,Satisfaction\n1,10,5\n2,6,4\n", encoding="utf-8")
    # February's export reorders the columns and adds one; March's lost the satisfaction question.
    (folder / "2025-02.csv").write_text("Satisfaction,Channel,Response ID,How likely to recommend?\n2,Chat,3,9\n5,Email,4,10\n", encoding="utf-8")
    (folder / "2025-03.csv").write_text("Response ID,How likely to recommend?\n5,0\n5,8\n", encoding="utf-8")
    (folder / "notes.md").write_text("not an export", encoding="utf-8")
    report = score([str(folder)])
    assert [i.path.rsplit("/", 1)[1] for i in report.inputs] == ["2025-01.csv", "2025-02.csv", "2025-03.csv"]
    got = by_metric(report)
    assert (got["nps"].n, got["csat"].n) == (6, 4)
    assert got["nps"].value == pytest.approx(100 * (3 - 2) / 6)
    assert any("2025-03.csv has no column for it" in w for w in report.warnings)
    assert any("2025-03.csv: 1 response id(s) in 'Response ID' appear more than once" in w for w in report.warnings)
    empty = tmp_path / "empty"
    empty.mkdir()
    from cxscore.errors import InputError

    with pytest.raises(InputError, match="holds no exports"):
        score([str(empty)])


def test_surveymonkey_xlsx(tmp_path):
    workbook = openpyxl.Workbook()
    for row in surveymonkey_rows():
        workbook.active.append(row)
    workbook.save(tmp_path / "sm.xlsx")
    report = score([str(tmp_path / "sm.xlsx")])
    assert report.inputs[0].layout == "surveymonkey" and by_metric(report)["nps"].n == 3


def test_wjx_matrix_rows_become_named_metrics(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您对以下方面的满意度 (矩阵单选题)—质量", "价格", "服务", "2、您向朋友推荐我们的可能性有多大？"])
    sheet.append([1, "2025/3/14 9:05:11", "30秒", "手机提交", "微信", "1.1.1.1", "非常满意", "一般", "满意", "9分"])
    sheet.append([2, "2025/3/15 9:05:11", "40秒", "手机提交", "微信", "1.1.1.2", "满意", "(跳过)", "非常满意", "10分"])
    sheet.append([3, "2025/3/16 9:05:11", "50秒", "手机提交", "微信", "1.1.1.3", "不满意", "非常不满意", "满意", "(跳过)"])
    workbook.save(tmp_path / "wjx.xlsx")
    report = score([str(tmp_path / "wjx.xlsx")], options=Options(period="day"))
    assert report.inputs[0].layout == "wjx"
    assert [m.name for m in report.metrics] == ["csat_质量", "csat_价格", "csat_服务", "nps"]
    got = by_metric(report)
    assert got["csat_质量"].value == pytest.approx(200 / 3) and (got["csat_价格"].n, got["csat_价格"].blank) == (2, 1)
    assert (got["nps"].n, got["nps"].value) == (2, 100.0)
    assert report.inputs[0].date_column == "提交答卷时间"


@pytest.mark.parametrize("metadata", [True, False])
def test_wjx_matrix_rows_written_with_their_number_are_metrics_too(write_csv, metadata):
    """A real 问卷星 download (Yaqi7-tech/workplace) writes a matrix's later rows as '17、行', the question's
    number again, not as bare labels: only its first row ('17、…满意度。—逻辑拆解') was scored, and the
    file trimmed to its questions (no 序号/提交答卷时间) is generic, so nothing named its rows."""
    levels = ["非常满意", "满意", "一般", "不满意", "非常不满意"]
    head = ["序号", "提交答卷时间"] if metadata else ["编号"]
    columns = [*head, "17、请您评价其对您目前的实际应用满意度。—逻辑拆解", "17、模拟演练", "17、情感监测", "18、您的年龄段："]
    rows = [[str(i), "2025/3/14 9:05:11"][: len(head)] + [levels[i % 5], levels[(i + 1) % 5], levels[i % 2], "20~22"] for i in range(30)]
    report = score([str(write_csv([columns, *rows]))])
    assert report.inputs[0].layout == ("wjx" if metadata else "generic")
    assert [m.name for m in report.metrics] == ["csat_逻辑拆解", "csat_模拟演练", "csat_情感监测"]
    got = by_metric(report)
    assert got["csat_模拟演练"].value == pytest.approx(12 / 30 * 100)  # 非常满意 and 满意: i % 5 in (3, 4)
    assert (got["csat_情感监测"].n, got["csat_情感监测"].value) == (30, 100.0)  # 非常满意 / 满意 only


HEADERS = {  # the first rows of each platform's export, as detect_layout sees them
    "Qualtrics": [["ResponseId", "Q1"], ["Response ID", "How likely…"], ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}']],
    "SurveyMonkey": [["Respondent ID", "Collector ID", "How likely…"], ["", "", "Response"]],
    "问卷星": [["序号", "提交答卷时间", "1、满意度"]],
    "腾讯问卷": [["编号", "开始答题时间", "结束答题时间", "1.满意度"]],
    "Google Forms": [["Timestamp", "How likely…"]],
    "Microsoft Forms": [["ID", "Start time", "Completion time", "How likely…"]],
    "Typeform": [["#", "How likely…", "Submit Date (UTC)", "Network ID"]],
    "Delighted": [["Response ID", "Score", "Comment", "Created at"]],
    "Zendesk": [["Id", "Status", "Created at", "Reopens", "Replies", "First reply time in minutes"]],
    "Freshdesk": [["Ticket ID", "Created time", "First response time (in hrs)", "Resolution status"]],
    "call log": [["Call Id", "Answered (Y/N)", "Speed of answer in seconds"]],
    "Amazon Connect": [["ContactId", "InitiationTimestamp", "DisconnectTimestamp", "LastUpdateTimestamp"]],
    "Intercom": [["id", "created_at", "statistics.time_to_admin_reply", "statistics.count_reopens"]],
    "ServiceNow": [["number", "incident_state", "reopen_count", "made_sla"]],
    "Jira Service Management": [["Issue key", "Summary", "Custom field (Time to first response)"]],
    "Zoho Desk": [["ticketNumber", "statusType", "firstResponseTime", "resolutionTime"]],
    "Help Scout": [["startDate", "totalConversations", "firstResponseTime", "resolvedOnFirstReply"]],
    "Salesforce": [["Id", "CaseId", "IsViolated", "ElapsedTimeInMins", "IsCompleted"]],
    "Genesys Cloud": [["conversationId", "nOffered", "tAnswered", "tHandle"]],
    "Twilio Flex": [["Segment", "Kind", "Abandoned", "Talk Time"]],
    "Chinese chat sessions": [["访客名称", "接待客服", "首次响应时长", "结束方式"]],
    "contact-centre interval report": [["Interval Start", "Queue", "Offered", "Answered", "Abandoned", "ASA"]],
    "per-period call report": [["Month", "Inbound Calls", "Average Speed of Answer in Secs", "Abandoned Calls"]],
}


def test_one_recogniser_per_platform_in_order_each_recognising_its_own_header():
    from cxscore.sources.layouts import RECOGNISERS, _Header, detect_layout

    assert [r.platform for r in RECOGNISERS] == list(HEADERS)
    for index, recogniser in enumerate(RECOGNISERS):
        rows = HEADERS[recogniser.platform]
        assert recogniser.layout(_Header(rows)) is not None, recogniser.platform
        assert all(earlier.layout(_Header(rows)) is None for earlier in RECOGNISERS[:index]), recogniser.platform  # none earlier takes it
        assert detect_layout(rows).response_filters == recogniser.response_filters
    assert detect_layout([["when", "How likely…"]]).name == "generic" and detect_layout([]).columns == []


def test_qualtrics_response_filters_are_its_recognisers_and_apply_to_the_columns_present():
    from cxscore.sources.layouts import detect_layout, response_filters

    layout = detect_layout(qualtrics_rows())
    assert [(r.column, r.incomplete) for r in response_filters(layout, layout.columns, False)] == [("Status", False), ("Finished", True)]
    assert [r.column for r in response_filters(layout, layout.columns, True)] == ["Status"]  # --include-incomplete
    assert response_filters(layout, ["Finished"], True) == [] and response_filters(detect_layout(surveymonkey_rows()), ["Status"], False) == []


def test_a_new_platform_is_one_recogniser_whose_response_filters_the_run_applies(write_csv, monkeypatch):
    """A made-up platform: recognised by its header, its test rows left out, counted and said."""
    from cxscore.sources import layouts

    def acme(header):
        return layouts.Layout("acme", 1, header.columns, metadata={"Acme Test"}) if "acme test" in header.names else None

    monkeypatch.setattr(layouts, "RECOGNISERS", [*layouts.RECOGNISERS, layouts.Recogniser("Acme", acme, (layouts.ResponseFilter("Acme Test", ("no",), "Acme test submissions"),))])
    rows = [["Acme Test", "How satisfied are you?"], ["no", "5"], ["yes", "1"], ["no", "4"], [" no ", "5"]]
    notes: list[str] = []
    report = score([str(write_csv(rows))], notify=notes.append)
    info = report.inputs[0]
    assert (info.layout, info.excluded, by_metric(report)["csat"].n) == ("acme", {"Acme test submissions": 1}, 3)
    assert f"{info.path}: 1 row(s) left out as Acme test submissions: 'Acme Test' is not 'no'" in notes


def test_inspect_counts_rows_with_the_first_stages_reading(monkeypatch):
    import cxscore.inspection as inspection
    from conftest import SAMPLE

    calls = []
    real = inspection.read_jobs
    monkeypatch.setattr(inspection, "read_jobs", lambda jobs, *a, **k: calls.append(len(jobs)) or real(jobs, *a, **k))
    result = inspection.inspect(str(SAMPLE))
    assert calls == [1] and result["rows"] == score([str(SAMPLE)]).inputs[0].rows == 3000


def test_what_a_layout_says_about_stored_answers_decides_the_offset_not_its_name():
    """问卷星's two downloads: option positions (shifted) or option text (never shifted, even with a configured offset)."""
    from cxscore.inputs import file_spec
    from cxscore.sources.layouts import Layout, detect_layout

    text = detect_layout([["序号", "提交答卷时间", "1、满意度"], ["1", "2025/3/1 9:00:00", "5"]])
    position = detect_layout([["序号", "提交答卷时间", "1、满意度"], ["1", "2025/3/1 9:00:00", "-3"]])
    assert (text.option_text, text.position_download, position.option_text, position.position_download) == (True, False, False, True)
    assert not any(detect_layout(rows).option_text for name, rows in HEADERS.items() if name != "问卷星")
    spec = validate_config({"metrics": [{"name": "csat", "type": "csat", "column": "q", "scale": [0, 4], "offset": 1}]}).metrics[0]
    assert file_spec(spec, True, Layout(columns=["q"]), "q", "a.csv", "a.csv") == (spec, None)  # a file of numbers: the configured offset applies
    unshifted, note = file_spec(spec, True, Layout("other", columns=["q"], option_text=True), "q", "b.csv", "a.csv")
    assert unshifted.offset == 0 and note == "b.csv: csat read as scores, without a position shift (问卷星 download by option text)"
