"""Text encodings: Chinese GB18030/GBK and Western cp1252 are never taken for look-alike code pages,
names are the common ones, guesses are said, and a failed --encoding is never suggested again."""
from __future__ import annotations

import json
import random

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxscore.config import validate_config
from cxscore.errors import InputError, StrictError
from cxscore.pipeline import Options, score
from cxscore.sources import open_source
from cxscore.sources.encodings import detect_encoding
from conftest import csv_text, invoke

#: Small GBK exports that charset-normalizer alone (cxscore before this check) read as big5, cp949 and iso8859-13.
SMALL_GBK = [
    [["id", "Satisfaction", "City"], ["4", "霪", "邹"], ["1", "闵辣", "狠销鹤"], ["5", "夏粪惜", "膳攮怪"], ["3", "鳌贼", "迟"], ["2", "猖耳婷", "噼"]],
    [["Satisfaction", "City"], ["3", "满意"], ["5", "发货快"], ["4", "包装破损"], ["1", "南京"], ["3", "成都"]],
    [["Satisfaction", "Comment"], ["5", "网页表单"], ["4", "退款"], ["1", "退款"], ["5", "态度好"], ["5", "杭州"]],
]
#: Western exports it read as cp1250, big5, iso8859-10, cp1006 (Urdu), cp775 and mac-latin2.
WESTERN = [
    ("cp1252", [["Nom", "Satisfaction"], ["Très satisfait", "5"], ["Insatisfait", "1"]]),
    ("cp1252", [["Name", "Satisfaction", "Comment"], ["José", "5", "très bien"], ["Zoë", "4", "naïve café"], ["Renée", "2", "crème brûlée — ok"]]),
    ("cp1252", [["Nom", "Note"], ["Hélène", "2"]]),
    ("latin-1", [["Nom", "Note"], ["Zoë", "2"]]),
    ("cp1252", [["Kunde", "Zufriedenheit", "Kommentar"], ["Björn", "2", "façade"]]),
    ("latin-1", [["Nom", "Note"], ["Jürgen", "2"], ["Noémie", "5"], ["Noémie", "1"], ["Søren", "5"], ["Ana", "2"]]),
    ("cp1252", [["Client", "Note", "Commentaire"], ["Thérèse", "4", "réponse rapide, très bien"], ["Benoît", "2", "où est ma commande"]]),
]


@pytest.mark.parametrize("rows", SMALL_GBK)
def test_small_gbk_files_are_gb18030_not_big5_or_korean(write_csv, rows):
    source = open_source(str(write_csv(rows, encoding="gbk")))
    assert (source.info.encoding, source.info.encoding_detected) == ("gb18030", True)
    assert "the text is Chinese" in source.info.encoding_reason
    assert source.sample == rows[1:]


@pytest.mark.parametrize(("encoding", "rows"), WESTERN)
def test_western_files_are_cp1252_not_a_look_alike(write_csv, encoding, rows):
    path = write_csv(rows, encoding=encoding)
    detected = detect_encoding(path.read_bytes(), True)
    assert (detected.name, detected.guessed) == ("cp1252", False)
    assert open_source(str(path)).sample == rows[1:]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Клиент,Оценка\nОчень доволен,5\nНедоволен,1\n", "cp1251"),
        ("Πελάτης,Βαθμός\nΠολύ ικανοποιημένος,5\nΔυσαρεστημένος,1\n", "cp1253"),
        ("Klient,Ocena\nDziękuję,bardzo zadowolony\nŁódź,źle\nKraków,ąę\n", "cp1250"),
        ("滿意度,推薦\n非常滿意,9\n滿意,8\n普通,7\n不滿意,3\n服務態度很好，謝謝,10\n" * 3, "big5"),
        ("만족도,추천\n매우 만족,9\n만족,8\n보통,7\n불만족,3\n서비스가 아주 좋았습니다 감사합니다,10\n다음에도 이용하겠습니다,9\n" * 3, "euc_kr"),
    ],
    ids=["russian", "greek", "polish", "big5", "korean"],
)
def test_other_scripts_are_not_forced_into_gb18030_or_cp1252(text, encoding):
    """Cyrillic, Greek, Polish, Big5 and Korean text fail the Chinese and Western checks and go to the statistical guess."""
    detected = detect_encoding(text.encode(encoding), True)
    assert detected.guessed and detected.name not in ("gb18030", "cp1252")


def test_a_guessed_encoding_is_a_warning_and_a_detected_one_is_said(tmp_path):
    russian = tmp_path / "ru.csv"
    russian.write_bytes("Клиент,Satisfaction\nОчень доволен,5\nНедоволен,1\nДоволен,4\n".encode("cp1251"))
    chinese = tmp_path / "zh.csv"
    chinese.write_bytes(csv_text(SMALL_GBK[1]).encode("gbk"))
    result = invoke(["score", str(russian), str(chinese), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert f"{chinese}: text encoding gb18030 (not UTF-8; decodes as GB18030 and the text is Chinese); --encoding overrides" in result.stderr
    guess = f"{russian}: text encoding guessed as cp1251 (not UTF-8, Chinese GB18030 or Western cp1252); if labels look garbled, pass --encoding"
    assert guess in result.stderr
    assert guess in json.loads(result.stdout)["warnings"]


@pytest.mark.parametrize(("given", "reported"), [("latin1", "latin-1"), ("GBK", "gbk"), ("UTF8", "utf-8"), ("utf_8_sig", "utf-8-sig"), ("CP1252", "cp1252")])
def test_encodings_are_reported_by_their_common_names(write_csv, given, reported):
    path = write_csv([["Satisfaction"], ["5"], ["4"]])
    info = score([str(path)], options=Options(encoding=given)).inputs[0]
    assert (info.encoding, info.encoding_detected, info.encoding_reason) == (reported, False, "--encoding")


def test_a_failed_encoding_is_not_suggested_again(tmp_path):
    """UTF-8 Chinese holds bytes cp1252 cannot decode (意 is E6 84 8F): the hint names UTF-8, not cp1252."""
    path = tmp_path / "export.csv"
    path.write_text("满意度\n满意\n非常满意\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        score([str(path)], options=Options(encoding="cp1252"))
    assert "not valid cp1252" in error.value.message
    assert "cp1252" not in error.value.hint and "utf-8" in error.value.hint
    result = invoke(["score", str(path), "-e", "cp1252"])
    assert result.exit_code == 2 and "cp1252" not in result.stderr.split("not valid cp1252", 1)[1]


def test_a_failed_encoding_further_into_the_file_is_not_suggested_again(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(("Satisfaction\n" + "5\n" * 600_000).encode("ascii") + "满意\n".encode())  # past the 1 MiB sample
    with pytest.raises(InputError) as error:
        score([str(path)], options=Options(encoding="cp1252"))
    assert "further into the file are not valid cp1252" in error.value.message
    assert "cp1252" not in error.value.hint


def test_western_text_with_a_byte_cp1252_leaves_undefined_is_pointed_to_latin_1(tmp_path):
    """A French retailer's public NPS export (BenaventC/NPSgame, 13,954 rows) is latin-1 with some comments typed in
    DOS code page 850 (0x90 = É): strict cp1252 fails on 0x90, so after `-e cp1252` the hint offered cp1256 (Arabic)."""
    comments = ["Très bien merci", "délai d'attente particulièrement long", "caissière très aimable", "à revoir"]
    rows = [f"{i},{i % 11},{comments[i % 4]}" for i in range(40)]
    path = tmp_path / "export.csv"
    path.write_bytes(("id,nps,explication\n" + "\n".join(rows) + "\n").encode("cp1252") + b'41,9,"\x90tendre le rayon"\n')
    with pytest.raises(InputError) as error:
        score([str(path)], options=Options(encoding="cp1252"))
    assert error.value.hint.startswith("pass the right --encoding (e.g. latin-1")
    result = invoke(["score", str(path), "-e", "latin-1", "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["results"][0]["n"] == 41


def test_western_text_with_a_byte_cp1252_leaves_undefined_is_read_as_latin_1_not_arabic(tmp_path):
    """Issue 10, finding 8: the same latin-1 export without --encoding was labelled cp1256 (Arabic) by the statistics."""
    comments = ["Très bien merci", "délai d'attente particulièrement long", "caissière très aimable", "à revoir"]
    rows = [f"{i},{i % 11},{comments[i % 4]}" for i in range(40)]
    path = tmp_path / "export.csv"
    path.write_bytes(("id,nps,explication\n" + "\n".join(rows) + "\n").encode("cp1252") + b'41,9,"\x90tendre le rayon"\n')
    result = invoke(["score", str(path), "--by", "explication", "-f", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["inputs"][0]["encoding"] == "latin-1" and "cp1256" not in result.stderr
    assert {row["segment"].get("explication") for row in doc["results"]} >= {"Très bien merci", "caissière très aimable"}
    assert f"warning: {path}: text encoding guessed as latin-1 (Western European text but for byte(s) 0x90" in result.stderr
    assert invoke(["score", str(path), "--strict"]).exit_code == 2


def test_a_small_korean_export_is_not_read_as_chinese(tmp_path):
    """A public Korean CSAT file (hongjai-rhee/public csat.csv: id,나이,쇼핑몰,만족도) in EUC-KR was read as GB18030
    with 'the text is Chinese', no warning: its few Hangul syllables sit in rows GB2312 also fills with Hanzi, so
    the headers and labels came out as Chinese characters (the --by values too). So few characters cannot be told
    apart (charset-normalizer called 47 of 60 such small Chinese files Korean), so GB18030 stays, said as a guess
    naming cp949, which --strict refuses; -e cp949 reads it."""
    path = tmp_path / "csat.csv"
    rows = ["id,나이,쇼핑몰,성별,만족도"] + [f"{i},{20 + i},{'AB'[i % 2]}{'B'},{'남여'[i % 2]},{1 + i % 5}" for i in range(30)]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp949"))
    found = detect_encoding(path.read_bytes(), True)
    assert (found.name, found.guessed) == ("gb18030", True) and "cp949" in found.reason
    (tmp_path / "cx.yaml").write_text("metrics:\n  - {name: csat, type: csat, column: 만족도}\n", encoding="utf-8")
    assert invoke(["score", str(path), "-c", str(tmp_path / "cx.yaml"), "-e", "cp949", "--strict", "-q"]).exit_code == 0
    result = invoke(["score", str(path), "-c", str(tmp_path / "cx.yaml"), "--strict"])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2 and "gb18030 (not UTF-8; decodes as GB18030, but its few characters are Korean (cp949)" in said
    # Chinese with characters outside those rows stays a confident GB18030
    assert detect_encoding("id,城市,满意度\n1,北京,满意\n".encode("gb18030"), True) == ("gb18030", "not UTF-8; decodes as GB18030 and the text is Chinese", False)
    config = validate_config({"metrics": [{"name": "csat", "type": "csat", "column": "만족도"}]})
    report = score([str(path)], config, options=Options(by=["성별"], encoding="cp949"))
    assert sorted(r.segment["성별"] for r in report.results if r.segment) == ["남", "여"]


LABELS = ["非常满意", "满意", "一般", "不满意", "非常不满意", "比较满意", "很不满意"]
COMMENTS = ["态度很好，谢谢！", "等待时间太长。", "客服很专业", "退款还没到账", "发货快、质量不错", "还可以吧", "包装破损（已拍照）", "问题解决了"]
CITIES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安"]
ENGLISH = ["", "", "Great, thanks", "Too slow", "ok", "Chengdu", "Hong Kong", "Shanghai"]
GB18030_ONLY = ["👍", "😀", "𠀀", "\u3400"]  # four-byte GB18030: not in GBK


def random_export(rng: random.Random, rows: int, english: bool, chinese: float, four_byte: bool) -> list[list[str]]:
    """An export with ``chinese`` the share of cells in Chinese (the rest numbers and English), as fuzzing found them."""

    def cell(pool: list[str], other: list[str]) -> str:
        text = rng.choice(pool) if rng.random() < chinese else rng.choice(other)
        return text + rng.choice(GB18030_ONLY) if four_byte and text and rng.random() < 0.05 else text

    header = ["Response ID", "Satisfaction", "City", "Comment"] if english else ["编号", "满意度", "城市", "备注"]
    body = [[str(i + 1), cell(LABELS, ["1", "2", "3", "4", "5", ""]), cell(CITIES, ENGLISH), cell(COMMENTS, ENGLISH)] for i in range(rows)]
    if english and not any(not "".join(row).isascii() for row in body):
        body[rng.randrange(rows)][1] = rng.choice(LABELS)  # a file with no Chinese at all is ASCII, hence UTF-8
    return [header, *body]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.sampled_from([1, 2, 3, 5, 8, 30, 2100]),
    english=st.booleans(),
    chinese=st.sampled_from([0.02, 0.2, 1.0]),
    encoding=st.sampled_from(["gbk", "gb18030"]),
)
def test_random_gbk_and_gb18030_exports_decode_to_their_original_answers(tmp_path, seed, rows, english, chinese, encoding):
    """Differential: whatever the size, header language and share of Chinese, the text read back is the text written."""
    rows_written = random_export(random.Random(seed), rows, english, chinese, encoding == "gb18030")
    path = tmp_path / "export.csv"
    path.write_bytes(csv_text(rows_written).encode(encoding))
    source = open_source(str(path))
    assert source.info.encoding == "gb18030"
    table = pa.Table.from_batches(list(source.batches(source.columns)))
    read = [[v if v is not None else "" for v in table.column(c).to_pylist()] for c in range(4)]
    assert [source.columns, *read] == [rows_written[0], *([row[c] for row in rows_written[1:]] for c in range(4))]


def test_inspect_says_how_the_encoding_was_chosen_and_when_it_is_a_guess(tmp_path):
    chinese = tmp_path / "zh.csv"
    chinese.write_bytes(csv_text(SMALL_GBK[1]).encode("gbk"))
    result = invoke(["inspect", str(chinese)])
    assert result.exit_code == 0 and "gb18030 (not UTF-8; decodes as GB18030 and the text is Chinese)" in " ".join(result.stdout.split())
    russian = tmp_path / "ru.csv"
    russian.write_bytes("Клиент,Satisfaction\nОчень доволен,5\nНедоволен,1\n".encode("cp1251"))
    document = json.loads(invoke(["inspect", str(russian), "-f", "json"]).stdout)
    assert document["encoding_reason"] == "a statistical guess (charset-normalizer)"
    assert any("text encoding guessed as cp1251" in note for note in document["notes"])


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("rows", [[["Satisfaction", "Channel"], ["5", "Chat"], ["1", "Email"]], [["满意度", "渠道"], ["非常满意", "电话"], ["非常不满意", "邮件"]]], ids=["english", "chinese"])
def test_utf16_without_a_byte_order_mark_is_read_as_utf16(write_csv, encoding, rows):
    """Its NUL high bytes are valid UTF-8 (an ASCII file was read as UTF-8 with NULs in every name) and decode as cp1252."""
    report = score([str(write_csv(rows, encoding=encoding))])
    assert (report.inputs[0].encoding, report.inputs[0].encoding_reason) == (encoding, "UTF-16 without a byte-order mark (NUL high bytes)")
    assert (report.results[0].n, report.results[0].value) == (2, 50.0)


#: Reviews in Portuguese as a public marketplace's export writes them, and the same file after Excel
#: opened its UTF-8 as Windows-1252 and saved it as UTF-8 again ('Parabéns' → 'ParabÃ©ns').
REVIEWS = [["review_id", "review_score", "review_comment_message", "city"]] + [
    [f"r{i}", str(score), text, city]
    for i, (score, text, city) in enumerate([
        (5, "Parabéns, entrega rápida", "São Paulo"), (1, "Não chegou", "Brasília"), (4, "Ótimo produto", "São Paulo"),
        (2, "Péssimo atendimento — não recomendo", "Goiânia"), (5, "Recebi antes do prazo", "Curitiba"),
    ] * 5)
]


def test_text_encoded_twice_is_a_doubt_that_names_a_word_and_what_it_says(write_csv):
    """A public Olist review export re-saved through Excel reads as valid UTF-8 but says 'ParabÃ©ns':
    cxscore read it without a word, so its cities split ('SÃ£o Paulo') and its comments showed garbled."""
    config = validate_config({"metrics": [{"type": "csat", "column": "review_score", "scale": [1, 5]}]})
    twice = write_csv([[cell.encode("utf-8").decode("cp1252") for cell in row] for row in REVIEWS], "twice.csv")
    report = score([str(twice)], config)
    assert any("text looks encoded twice ('ParabÃ©ns' for 'Parabéns')" in w for w in report.warnings)
    with pytest.raises(StrictError, match="encoded twice"):
        score([str(twice)], config, Options(strict=True))
    # real UTF-8 with accents, and Western cp1252, are not doubted
    assert not any("encoded twice" in w for w in score([str(write_csv(REVIEWS, "once.csv"))], config).warnings)
    western = write_csv(REVIEWS, "western.csv", encoding="cp1252")
    assert not any("encoded twice" in w for w in score([str(western)], config).warnings)
