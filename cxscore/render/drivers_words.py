"""The words of ``cxscore drivers``' workbook sheet and headroom table, in English and Chinese
(``cxscore report --lang zh`` is Chinese throughout); the table and Markdown use the English."""
from __future__ import annotations

from ..keydrivers import DriverRun, Headrooms
from ..kinds import get
from .display import amount

#: Per language: the sheet's name, headers, quadrant names, captions and chart texts.
WORDS: dict[str, dict] = {
    "en": {
        "sheet": "Drivers",
        "headers": ["Driver", "Column", "Importance %", "Low %", "High %", "P(rank 1)", "r", "Mean", "Top-2 %", "Quadrant"],
        "quadrants": {},
        "methods": {"relative_weights": "relative weights", "shapley": "shapley"},
        "caption": ("What {outcome} is associated with ({method}): model R² = {r2:.3f}, n = {n:,} complete rows ({incomplete:,} left out for a "
                    "missing answer); 95 % intervals and P(rank 1) from {resamples} bootstrap resamples. Association in these answers, not proof of effect."),
        "warning": "Warning: {}",
        "top_two": "Top-2 %", "mean": "Mean", "importance": "Importance %",
        "chart": "Importance and performance of {outcome}'s drivers",
        "mean_performance": "mean performance", "mean_importance": "mean importance (100/drivers)",
        "low": "Low", "high": "High", "headroom": "Headroom",
        "scores": {},
        "title": "Headroom by {by}: {name} points gained if a segment's respondents were all {best}",
        "gap_up": "{best:g} − the segment's {label}", "gap_down": "the segment's {label} − {best:g}",
        "explain": ("Overall {label} {overall} from N = {n:,} answers. Headroom = (the segment's n / N) × ({gap}) (marketr's nps_oppy): "
                    "a large segment with a low score has the most to give. {confidence:.0%} intervals as score gives them."),
        "unanswered": " {count} segment(s) without any {name} answer are not listed.",
        "capped": "The {shown:,} segments with the most headroom of {count:,}; all of them: cxscore drivers --by {by} -f csv.",
    },
    "zh": {
        "sheet": "驱动因素",
        "headers": ["驱动因素", "列", "重要性 %", "下限 %", "上限 %", "排第一的概率", "r", "均值", "前两档 %", "象限"],
        "quadrants": {"fix first": "优先改进", "keep": "保持", "maintain": "维持", "monitor": "关注", "uncertain": "不确定"},
        "methods": {"relative_weights": "相对权重", "shapley": "沙普利值"},
        "caption": ("与 {outcome} 相关的因素（{method}）：模型 R² = {r2:.3f}，n = {n:,} 个完整行（{incomplete:,} 行因缺少回答而排除）；"
                    "95% 区间和排第一的概率来自 {resamples} 次自助重抽样。这是这些回答中的关联，并非因果的证明。"),
        "warning": "警告：{}",
        "top_two": "前两档 %", "mean": "均值", "importance": "重要性 %",
        "chart": "{outcome} 各驱动因素的重要性与表现",
        "mean_performance": "平均表现", "mean_importance": "平均重要性（100/因素数）",
        "low": "下限", "high": "上限", "headroom": "提升空间",
        "scores": {"csat": "满意 %", "ces": "均值"},
        "title": "按 {by} 的提升空间：若某一细分的受访者全部是{best}，{name} 可提高的分数",
        "gap_up": "{best:g} − 该细分的 {label}", "gap_down": "该细分的 {label} − {best:g}",
        "explain": ("总体 {label} {overall}，共 N = {n:,} 个回答。提升空间 = (该细分的 n / N) × ({gap})："
                    "人数多且得分低的细分提升空间最大。{confidence:.0%} 区间与得分表相同。"),
        "unanswered": " 另有 {count} 个细分没有 {name} 回答，未列出。",
        "capped": "显示 {count:,} 个细分中提升空间最大的 {shown:,} 个；全部见 cxscore drivers --by {by} -f csv。",
    },
}


def score_label(run: DriverRun, lang: str = "en") -> str:
    """The outcome's score as a column heading (NPS, % satisfied, mean)."""
    return WORDS[lang]["scores"].get(run.outcome.type, get(run.outcome.type).score_label)


def headroom_words(run: DriverRun, h: Headrooms, lang: str = "en") -> tuple[str, str]:
    """The headroom table's title and caption."""
    w = WORDS[lang]
    name, label, kind = run.outcome.name, score_label(run, lang), get(run.outcome.type)
    best = h.best_words if lang == "en" else kind.band_words.get(lang, {}).get(kind.comment_bands[1], h.best_words)
    title = w["title"].format(by=", ".join(h.by), name=name, best=best)
    gap = (w["gap_up"] if h.best >= h.overall else w["gap_down"]).format(best=h.best, label=label)
    caption = w["explain"].format(label=label, overall=amount(h.overall, run.outcome.type), n=h.n, gap=gap, confidence=h.confidence)
    if h.unanswered:
        caption += w["unanswered"].format(count=h.unanswered, name=name)
    return title, caption
