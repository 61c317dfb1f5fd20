"""Generate the bundled sample exports (fixed seed, so the files are reproducible).

    python sample_data/make_samples.py

Writes ``survey_export.csv`` (English, UTF-8) and ``survey_export_zh.csv`` (Chinese headers
and labels, GBK), 3,000 responses each: response id, timestamp, channel, region, agent, NPS
(0–10), CSAT (1–5 as text labels), CES (1–7 agreement) and a free-text comment.
"""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
ROWS = 3000
SEED = 20250314

CHANNELS = {"Email": 0.3, "Chat": -0.5, "Phone": 0.2, "Web form": 0.0}
REGIONS = ["North America", "EMEA", "APAC", "LATAM"]
AGENTS = ["Alice Martin", "Bruno Costa", "Chen Wei", "Divya Nair", "Emma Novak", "Farid Haddad", "Grace Kim", "Hiro Tanaka", "Ines Duarte", "Jonas Berg", "Kara Okafor", "Liam Walsh"]
CSAT_LABELS = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
COMMENTS = ["", "", "", "Quick and friendly.", "Had to repeat my issue twice.", "Great help, thanks!", "Took too long to get an answer.", "The agent knew the product well.", "Still waiting for a refund, \"escalated\" twice.", "Fine, nothing special."]

ZH_CHANNELS = {"Email": "邮件", "Chat": "在线客服", "Phone": "电话", "Web form": "网页表单"}
ZH_REGIONS = {"North America": "华北", "EMEA": "华东", "APAC": "华南", "LATAM": "西部"}
ZH_CSAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]
ZH_CES = ["非常困难", "困难", "一般", "容易", "非常容易"]
ZH_COMMENTS = ["", "", "", "响应很快，态度很好。", "问题说了两遍才明白。", "非常感谢！", "等待时间太长。", "客服很专业。", "退款还没到账。", "还可以。"]


def clamp(value: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(value)))


def responses(rng: random.Random):
    start = datetime(2025, 1, 1, 0, 0)
    for i in range(ROWS):
        when = start + timedelta(minutes=rng.randrange(0, 181 * 24 * 60))
        channel = rng.choices(list(CHANNELS), weights=[30, 35, 20, 15])[0]
        month_drift = -0.15 * (when.month - 1) / 5  # a slow slide over the half-year
        outage = -0.45 if when.month == 5 else 0.0  # May: a ticketing outage, fixed in June
        mood = rng.gauss(0, 1) + CHANNELS[channel] + month_drift + outage
        nps = clamp(8.2 + 1.8 * mood + rng.gauss(0, 0.8), 0, 10)
        csat = clamp(3.9 + 0.9 * mood + rng.gauss(0, 0.5), 1, 5)
        ces = clamp(5.2 + 1.1 * mood + rng.gauss(0, 0.7), 1, 7)
        yield {
            "i": i, "when": when, "channel": channel, "region": rng.choice(REGIONS), "agent": rng.choice(AGENTS),
            "nps": None if rng.random() < 0.03 else nps,
            "csat": None if rng.random() < 0.03 else csat,
            "ces": None if rng.random() < 0.04 else ces,
            "comment": rng.choice(COMMENTS), "zh_comment": rng.choice(ZH_COMMENTS),
        }


def main() -> None:
    rng = random.Random(SEED)
    rows = list(responses(rng))
    # A few answers as they really arrive: a typo'd score and a "N/A" that counts as blank.
    rows[17]["nps_text"], rows[911]["nps_text"], rows[2024]["nps_text"] = "100", "10+", "N/A"

    with (HERE / "survey_export.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Response ID", "Submitted At", "Channel", "Region", "Agent",
                      "How likely are you to recommend Acme to a friend or colleague?",
                      "Overall, how satisfied were you with the support you received?",
                      "Acme made it easy for me to handle my issue.", "Comment"])
        for r in rows:
            nps = r.get("nps_text", "" if r["nps"] is None else r["nps"])
            csat = "" if r["csat"] is None else CSAT_LABELS[r["csat"] - 1]
            ces = "" if r["ces"] is None else r["ces"]
            out.writerow([f"R_{r['i'] + 1:06d}", r["when"].strftime("%Y-%m-%d %H:%M:%S"), r["channel"], r["region"], r["agent"], nps, csat, ces, r["comment"]])

    with (HERE / "survey_export_zh.csv").open("w", newline="", encoding="gbk") as fh:
        out = csv.writer(fh)
        out.writerow(["编号", "提交时间", "渠道", "地区", "客服", "您向朋友或同事推荐我们的可能性有多大？", "您对本次服务的满意度", "解决您的问题有多容易？", "意见和建议"])
        for r in rows:
            nps = "" if r["nps"] is None else f"{r['nps']}分"
            csat = "" if r["csat"] is None else ZH_CSAT[r["csat"] - 1]
            ces = "" if r["ces"] is None else ZH_CES[clamp((r["ces"] - 1) * 4 / 6 + 1, 1, 5) - 1]
            out.writerow([r["i"] + 1, r["when"].strftime("%Y/%m/%d %H:%M:%S"), ZH_CHANNELS[r["channel"]], ZH_REGIONS[r["region"]], r["agent"], nps, csat, ces, r["zh_comment"]])


if __name__ == "__main__":
    main()
