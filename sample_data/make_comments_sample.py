"""Generate ``comments_export.csv`` and ``comments_export_zh.csv``, the comment-theme samples (fixed
seed, so the files are reproducible).

    python sample_data/make_comments_sample.py

2,000 online-shop orders each, January to June 2026: order id, date, channel, NPS (0–10) and a
"Why did you give this score?" comment. What a customer writes follows their score: detractors
mostly complain (late delivery, refunds not arriving, a crashing app, prices), promoters mostly
praise (friendly staff, quality); delivery complaints rise in May and June (a new courier), and
app crashes are a Store-channel-free problem (App and Web only). About one comment in six is blank
or a non-answer (n/a, nothing, 无). The Chinese file says the same things in Chinese.
"""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
ROWS = 2000
SEED = 20260301
CHANNELS = {"App": 0.45, "Web": 0.35, "Store": 0.20}

#: theme → (complaints, praise), English then Chinese; each complaint/praise is one sentence.
SAYINGS = {
    "delivery": (["The parcel arrived four days late.", "Delivery took forever and the courier never called.", "My package was delivered to the wrong address.",
                  "Late delivery again."],
                 ["Delivered the next morning, great.", "Fast shipping.", "The courier was on time."]),
    "refund": (["Still waiting for my refund after two weeks.", "The refund never arrived.", "I returned it and want my money back."],
               ["The refund was quick.", "Easy returns and a fast refund."]),
    "app": (["The app keeps crashing at checkout.", "Could not log in to the website.", "The app is slow and buggy."],
            ["The app is easy to use.", "Ordering on the website was simple."]),
    "price": (["Too expensive for what you get.", "Prices went up again.", "Shipping costs are a rip-off."],
              ["Good value for money.", "Cheaper than other shops."]),
    "staff": (["The staff in the store were rude.", "The agent was unhelpful."],
              ["Friendly and helpful staff.", "The agent was polite and solved it.", "Customer care was great."]),
    "quality": (["The shoes fell apart after a week, poor quality.", "It arrived broken.", "The item looks fake."],
                ["Great quality, it feels durable.", "Works great."]),
}
SAYINGS_ZH = {
    "delivery": (["快递晚了四天才到。", "配送太慢了，骑手也不打电话。", "送货地址送错了。", "物流太慢。"],
                 ["第二天早上就送达了，很好。", "发货很快。", "快递员很准时。"]),
    "refund": (["退款两周了还没到账。", "退款一直没到账。", "退货了，我要退钱。"],
               ["退款很快。", "退换方便，退款及时。"]),
    "app": (["小程序结账的时候一直闪退。", "网站登录不上。", "软件很卡顿。"],
            ["小程序很好用。", "网页下单很方便。"]),
    "price": (["太贵了，不值这个价格。", "又涨价了。", "运费收费太高。"],
              ["性价比很高。", "比别家便宜。"]),
    "staff": (["门店店员态度很差。", "客服一点都不热情。"],
              ["店员热情又礼貌。", "客服很耐心，问题解决了。", "工作人员很友好。"]),
    "quality": (["鞋子穿一周就坏了，质量太差。", "收到的时候就破损了。", "感觉是假货。"],
                ["质量很好，做工扎实。", "品质不错。"]),
}
#: Comments no starter theme catches (what the Uncategorised sample is for).
OTHER = ["Okay overall.", "Would like more colours.", "Second order this year.", "Gift for my mother.", "Please add PayPal."]
OTHER_ZH = ["总体还行。", "希望多一些颜色。", "今年第二次下单了。", "给妈妈买的礼物。", "希望支持更多支付方式。"]
NON_ANSWERS = ["", "", "", "n/a", "nothing", "-"]
NON_ANSWERS_ZH = ["", "", "", "无", "没有", "无意见"]
#: How likely each band is to complain about a theme (detractors, passives, promoters) — the rest praise or say nothing of it.
COMPLAIN = {"delivery": (0.45, 0.15, 0.04), "refund": (0.25, 0.05, 0.01), "app": (0.20, 0.10, 0.03), "price": (0.20, 0.15, 0.05), "staff": (0.10, 0.03, 0.01), "quality": (0.18, 0.06, 0.02)}
PRAISE = {"delivery": (0.02, 0.10, 0.25), "refund": (0.0, 0.02, 0.05), "app": (0.02, 0.08, 0.15), "price": (0.01, 0.08, 0.15), "staff": (0.03, 0.12, 0.35), "quality": (0.02, 0.10, 0.30)}


def clamp(value: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(value)))


def responses(rng: random.Random):
    start = datetime(2026, 1, 1)
    for i in range(ROWS):
        when = start + timedelta(minutes=rng.randrange(0, 181 * 24 * 60))
        channel = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        courier = -0.5 if when.month >= 5 else 0.0  # May: a new courier, worse
        nps = clamp(7.4 + 2.4 * rng.gauss(0, 1) + courier, 0, 10)
        band = 0 if nps <= 6 else 1 if nps <= 8 else 2
        said: list[tuple[str, int, bool]] = []  # (theme, which saying, complaint)
        if rng.random() > 1 / 6:
            for theme in SAYINGS:
                complain = COMPLAIN[theme][band] * (1.8 if theme == "delivery" and when.month >= 5 else 1.0)
                if theme == "app" and channel == "Store":
                    complain = 0.0
                roll = rng.random()
                if roll < complain:
                    said.append((theme, rng.randrange(len(SAYINGS[theme][0])), True))
                elif roll < complain + PRAISE[theme][band]:
                    said.append((theme, rng.randrange(len(SAYINGS[theme][1])), False))
            rng.shuffle(said)
            said = said[:2]
            other = rng.randrange(len(OTHER)) if not said or rng.random() < 0.1 else None
            blank = None
        else:
            other, blank = None, rng.randrange(len(NON_ANSWERS))
        yield {"i": i, "when": when, "channel": channel, "nps": nps, "said": said, "other": other, "blank": blank}


def comment(r: dict, sayings: dict, other: list[str], blanks: list[str], space: str) -> str:
    if r["blank"] is not None:
        return blanks[r["blank"]]
    parts = [sayings[theme][0 if bad else 1][k] for theme, k, bad in r["said"]]
    if r["other"] is not None:
        parts.append(other[r["other"]])
    return space.join(parts)


def main() -> None:
    rows = sorted(responses(random.Random(SEED)), key=lambda r: r["when"])
    rows[40]["other"], rows[40]["blank"] = None, None  # contacts in a comment: masked in every output
    rows[40]["said"] = [("refund", 1, True)]
    for name, sayings, other, blanks, space, channels, header in (
        ("comments_export.csv", SAYINGS, OTHER, NON_ANSWERS, " ", {c: c for c in CHANNELS}, ["Order ID", "Date", "Channel", "How likely are you to recommend us to a friend? (0-10)", "Why did you give this score?"]),
        ("comments_export_zh.csv", SAYINGS_ZH, OTHER_ZH, NON_ANSWERS_ZH, "", {"App": "小程序", "Web": "网站", "Store": "门店"}, ["订单号", "日期", "渠道", "您有多大可能向朋友推荐我们？(0-10)", "您给出这个分数的原因是什么？"]),
    ):
        with (HERE / name).open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            for r in rows:
                text = comment(r, sayings, other, blanks, space)
                if r["i"] == rows[40]["i"]:
                    text += " Call me on +44 20 7946 0958 or mail jo@example.com." if space else "请联系13812345678。"
                out.writerow([f"W{r['i'] + 1:05d}", r["when"].strftime("%Y-%m-%d"), channels[r["channel"]], r["nps"], text])


if __name__ == "__main__":
    main()
