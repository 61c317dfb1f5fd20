"""The straightforward pandas script an analyst would write for the same job (benchmark baseline (b)).

NPS, CSAT % satisfied and mean, CES mean by channel, by month, and by channel × month.
"""
import json
import sys

import pandas as pd

path = sys.argv[1]
NPS, CSAT, CES = "Recommend (0-10)", "Satisfaction (1-5)", "Ease (1-7)"
df = pd.read_csv(path, usecols=["submitted_at", "channel", NPS, CSAT, CES])
df["month"] = pd.to_datetime(df["submitted_at"]).dt.to_period("M").astype(str)


def nps(s):
    s = s.dropna()
    return 100 * ((s >= 9).mean() - (s <= 6).mean())


def satisfied(s):
    s = s.dropna()
    return 100 * (s >= 4).mean()


out = {}
for keys in (["channel"], ["month"], ["channel", "month"]):
    g = df.groupby(keys)
    table = g.agg(nps=(NPS, nps), csat=(CSAT, satisfied), csat_mean=(CSAT, "mean"), ces=(CES, "mean"), n=(NPS, "count"))
    out["×".join(keys)] = table.reset_index().to_dict(orient="records")
json.dump(out, sys.stdout, default=str)
