"""Charts that don't mislead: straight lines with markers, value axes from 0 (NPS crossing at 0),
NPS shares coloured the same way everywhere, few enough categories to read."""
from __future__ import annotations

import math


from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint, Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun, RichTextProperties

from ..kinds import get
from .cells import Look

#: Detractors red, passives amber, promoters green: in this order in every table and chart.
SHARE_COLOURS = {"detractors": "D9534F", "passives": "F0AD4E", "promoters": "5CB85C"}
LINE, BAND, TARGET = "1F4E79", "9DC3E6", "C00000"
MAX_CATEGORIES = 12  # more bars than this are not read; the chart shows the top and bottom halves


def _axes(chart, kind: str) -> None:
    """Axes shown (openpyxl leaves them unset, which Excel reads as deleted); a value axis from 0 for
    scores that cannot be negative, crossing at 0 with labels outside the plot for NPS."""
    chart.x_axis.delete = chart.y_axis.delete = False
    if get(kind).signed:
        chart.x_axis.tickLblPos = "low"  # category labels stay outside, left of negative bars too
    else:
        chart.y_axis.scaling.min = 0


def _value_axis(axis, look: Look | None, high: float) -> None:
    """A duration's value axis in its units with round steps (2h, 6h, 1 d), not the cells' ``7h 52m``
    at whatever step the chart would pick (0.1 day = 2h 24m)."""
    if look is None or look.axis is None:
        return
    axis.number_format = look.axis
    axis.majorUnit = look.major_unit(high)


def compact(chart, title: str, height: float = 7.5, width: float = 8.5) -> None:
    """A small chart (a Dashboard tile's trend) whose plot keeps its height: an 11-point title, no axis
    titles (the tile above says what and when), so a default 18-point title on two lines and rotated
    week labels do not squash the plot to a few pixels."""
    bold = CharacterProperties(sz=1100, b=True)
    chart.title = Title(tx=Text(rich=RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=bold), r=[RegularTextRun(rPr=bold, t=title)])])), overlay=False)
    chart.x_axis.title = chart.y_axis.title = None
    chart.height, chart.width = height, width


def style_line(series, colour: str, width: int = 22000, dash: str | None = None, marker: bool = True) -> None:
    """A line series drawn straight in ``colour`` (dashed when asked), with round markers or none."""
    series.smooth = False  # a curve would invent values between periods
    series.graphicalProperties.line = LineProperties(solidFill=colour, w=width, prstDash=dash)
    if marker:
        series.marker = Marker(symbol="circle", size=6)
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
    else:
        series.marker = Marker(symbol="none")


#: Dates (``2025-03-01``) a trend chart's axis labels side by side without touching: at most this many.
DAY_LABELS = 6
#: Points past which a trend's markers are drawn small: a marker per day blotted out the line.
MANY_POINTS = 60


def day_labels(points: int) -> int:
    """Every how many days a daily trend's axis is labelled: at most :data:`DAY_LABELS` dates, a
    multiple of 7 past a week (each label on the same weekday); 1 when all fit."""
    step = math.ceil(points / DAY_LABELS)
    return 7 * math.ceil(step / 7) if step > 7 else step


def trend(ws, title: str, kind: str, axis_title: str, period_title: str, rows: tuple[int, int], score: int,
          band: tuple[int, int] | None = None, target: int | None = None, hollow: tuple[int, ...] = (),
          look: Look | None = None, high: float = 0.0, period: str | None = None) -> LineChart:
    """A line per metric over the periods in ``rows`` (first row: headers): the score with markers, its
    interval as two dashed lines, the target as a red line; ``hollow`` points (low n) get open markers.
    ``high``: the largest value drawn (value units), for a duration's axis steps. By ``period`` day the
    axis labels every few days (:func:`day_labels`): the chart's own choice ran the dates into each other."""
    first, last = rows
    chart = LineChart()
    chart.title = title
    chart.y_axis.title, chart.x_axis.title = axis_title, period_title
    chart.add_data(Reference(ws, min_col=score, min_row=first, max_row=last), titles_from_data=True)
    style_line(chart.series[0], LINE)
    many = last - first > MANY_POINTS
    if many:
        chart.series[0].marker.size = 3
    for i in hollow:
        point = DataPoint(idx=i, marker=Marker(symbol="circle", size=4 if many else 7))
        point.marker.graphicalProperties = GraphicalProperties(noFill=True)
        point.marker.graphicalProperties.line.solidFill = LINE
        chart.series[0].dPt.append(point)
    for column in band or ():
        chart.add_data(Reference(ws, min_col=column, min_row=first, max_row=last), titles_from_data=True)
        style_line(chart.series[-1], BAND, 12700, "dash", marker=False)
    if target is not None:
        chart.add_data(Reference(ws, min_col=target, min_row=first, max_row=last), titles_from_data=True)
        style_line(chart.series[-1], TARGET, 15875, "sysDash", marker=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
    _axes(chart, kind)
    if period == "day" and (step := day_labels(last - first)) > 1:  # Excel keeps the step; LibreOffice picks its own, so the dates are also turned 45°
        chart.x_axis.tickLblSkip = chart.x_axis.tickMarkSkip = step
        chart.x_axis.txPr = RichText(bodyPr=RichTextProperties(rot=-2700000, vert="horz"), p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties()), endParaRPr=CharacterProperties())])
    _value_axis(chart.y_axis, look, high)
    chart.legend.position = "b"
    return chart


def bars(ws, title: str, kind: str, values: Reference, categories: Reference, look: Look | None = None, high: float = 0.0) -> BarChart:
    """Horizontal bars of one metric across segments; the value axis from 0, or crossing at 0 for NPS."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.add_data(values, titles_from_data=False)
    chart.set_categories(categories)
    chart.series[0].graphicalProperties.solidFill = LINE
    chart.series[0].dLbls = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False, dLblPos="outEnd")
    chart.x_axis.scaling.orientation = "maxMin"  # the first (best) segment on top, as in the table
    chart.legend = None
    chart.y_axis.majorGridlines = None
    _axes(chart, kind)
    _value_axis(chart.y_axis, look, high)
    return chart


def shares(ws, title: str, columns: tuple[int, int], rows: tuple[int, int], categories: int) -> BarChart:
    """NPS detractors, passives and promoters as 100% stacked bars, coloured red, amber, green."""
    (first_col, last_col), (header, last) = columns, rows
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "percentStacked", 100
    chart.title = title
    chart.add_data(Reference(ws, min_col=first_col, max_col=last_col, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=categories, min_row=header + 1, max_row=last))
    for series, colour in zip(chart.series, SHARE_COLOURS.values()):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.x_axis.scaling.orientation = "maxMin"  # rows top to bottom as in the table
    chart.legend.position = "b"
    return chart


def top_and_bottom(count: int) -> list[int]:
    """Which of ``count`` categories sorted by score a chart shows: all, or the top and bottom six."""
    if count <= MAX_CATEGORIES:
        return list(range(count))
    half = MAX_CATEGORIES // 2
    return list(range(half)) + list(range(count - half, count))
