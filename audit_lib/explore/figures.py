"""Plotly figures of the register statistics: each takes a connection and params, returns a Figure.

The figures draw only the small aggregates of ``audit_lib.explore.stats`` (never one point per
record), so their size does not grow with the register. They are generic: the quarterly report
can call any of them with an audit's connection and its period params. Their titles, axes, legends
and notes are in the params' ``lang`` (default English), from the catalog (``audit_lib.explore.words``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

from audit_lib.explore import stats
from audit_lib.explore.words import t, value
from audit_lib.i18n import N_
from audit_lib.vocabulary import CONSENT_ACTIONS, ConsentAction

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import plotly.graph_objects as go

Params = Mapping[str, Any]

CONSENT_COLOURS = {ConsentAction.GRANTED: "#1a9850", ConsentAction.WITHDRAWN: "#d73027", stats.NEVER_ASKED: "#bdbdbd",
                   stats.NOT_REQUIRED: "#4575b4"}
ACCOUNT_COLOURS = {"active": "#1a9850", "inactive": "#fdae61", "closed": "#636363", "unknown": "#d9d9d9"}
REQUEST_COLOURS = {"on time": "#1a9850", "late": "#d73027", "open": "#74add1", "open, overdue": "#a50026"}
MATRIX_STATES = ["not declared, absent", "declared, absent", "declared, present", "present, not declared"]
MATRIX_COLOURS = ["#ffffff", "#d9d9d9", "#1a9850", "#d73027"]
NO_RECORDS = N_("No records for these filters")


def _lang(params: Params) -> str:
    """The language of the figure's words: the params' ``lang`` (``params_for`` sets it), else English."""
    return params.get("lang") or "en"


def _scope(params: Params, with_period: bool = True) -> str:
    """The filters in force, for a title: period or as-of date, subject type, channel."""
    lang, parts = _lang(params), []
    if with_period:
        start, end = params["period_start"], params["period_end"]
        parts.append(t(N_("all time"), lang) if start.year <= 1900 else
                     t(N_("{start} – {end} (excl.)"), lang, start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"))
    else:
        parts.append(t(N_("as of {as_of}"), lang, as_of=f"{params['as_of']:%Y-%m-%d %H:%M}"))
    if params.get("subject_type"):
        parts.append(t(N_("type {subject_type}"), lang, subject_type=params["subject_type"]))
    if params.get("channel"):
        parts.append(t(N_("channel {channel}"), lang, channel=params["channel"]))
    return ", ".join(parts)


def _layout(fig: "go.Figure", title: str, params: Params, *, with_period: bool = True,
            height: int = 420) -> "go.Figure":
    """Title (``title``, an English msgid, in the params' language) with the filters below it, and the look."""
    fig.update_layout(
        title={"text": f"{t(title, _lang(params))}<br><sup>{_scope(params, with_period)}</sup>"},
        template="plotly_white", height=height,
        margin={"l": 60, "r": 20, "t": 80, "b": 60},
        legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
    )
    return fig


def _no_data(con: "duckdb.DuckDBPyConnection", params: Params, *roles: str) -> str:
    """Why a figure is empty: the register exports none of a role it draws, or the filters match nothing."""
    missing = stats.unexported(con, *roles)
    lang = _lang(params)
    return (t(N_("Not in this register's exports: {roles}"), lang, roles=", ".join(missing)) if missing
            else t(NO_RECORDS, lang))


def _empty(fig: "go.Figure", message: str) -> "go.Figure":
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 15})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _ordered(values, preferred: list[str]) -> list[str]:
    present = list(dict.fromkeys(values))
    return [v for v in preferred if v in present] + sorted(v for v in present if v not in preferred)


def subjects_by_type(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Bars: subjects registered before as_of, per subject type."""
    import plotly.graph_objects as go

    data = stats.subjects_by_type(con, params)
    lang = _lang(params)
    fig = go.Figure(go.Bar(x=data["subject_type"], y=data["subjects"], text=data["subjects"],
                           marker_color="#4575b4", name=t(N_("subjects"), lang)))
    fig.update_layout(yaxis_title=t(N_("subjects"), lang), showlegend=False)
    return _layout(_empty(fig, _no_data(con, params, "subjects")) if data.empty else fig, N_("Subjects by type"),
                   params, with_period=False, height=360)


def registrations_by_month(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Stacked bars: subjects registered per month, split by subject type."""
    import plotly.graph_objects as go

    data = stats.registrations_by_month(con, params)
    lang = _lang(params)
    fig = go.Figure()
    for subject_type, part in data.groupby("subject_type", sort=True):
        fig.add_bar(x=part["month"], y=part["subjects"], name=subject_type)
    fig.update_layout(barmode="stack", yaxis_title=t(N_("subjects registered"), lang), xaxis_title=t(N_("month"), lang))
    return _layout(_empty(fig, _no_data(con, params, "subjects")) if data.empty else fig, N_("Registrations by month"),
                   params, with_period=False)


def account_states(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Stacked bars: active, inactive (past the inactive_accounts rule) and closed accounts per type."""
    import plotly.graph_objects as go

    data = stats.account_states(con, params)
    lang = _lang(params)
    fig = go.Figure()
    for state in _ordered(data["state"], list(ACCOUNT_COLOURS)):
        part = data[data["state"] == state]
        fig.add_bar(x=part["subject_type"], y=part["subjects"], name=value(state, lang), text=part["subjects"],
                    marker_color=ACCOUNT_COLOURS.get(state))
    fig.update_layout(barmode="stack", yaxis_title=t(N_("accounts"), lang))
    title = N_("Accounts: active, inactive (declared rule inactive_accounts) and closed")
    return _layout(_empty(fig, _no_data(con, params, "subjects")) if data.empty else fig, title, params,
                   with_period=False)


def consent_by_month(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Stacked areas per opt-in channel: subjects granted, withdrawn or never asked at each month's end."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = stats.consent_by_month(con, params)
    lang = _lang(params)
    channels = sorted(set(data["channel"])) or ["—"]
    fig = make_subplots(rows=1, cols=len(channels), shared_yaxes=True, subplot_titles=channels,
                        horizontal_spacing=0.04)
    for column, channel in enumerate(channels, start=1):
        for state in (*CONSENT_ACTIONS, stats.NEVER_ASKED):
            part = data[(data["channel"] == channel) & (data["state"] == state)]
            fig.add_trace(go.Scatter(x=part["month"], y=part["subjects"], name=value(state, lang), stackgroup=channel,
                                     mode="lines", line={"width": 0.5, "color": CONSENT_COLOURS[state]},
                                     legendgroup=state, showlegend=column == 1), row=1, col=column)
    fig.update_yaxes(title_text=t(N_("subjects"), lang), row=1, col=1)
    return _layout(_empty(fig, _no_data(con, params, "consent_events", "subjects")) if data.empty else fig,
                   N_("Consent state at each month's end"), params, with_period=False)


def marketing_volume(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Stacked bars per channel and campaign: messages sent, split by the consent state at send time."""
    import plotly.graph_objects as go

    data = stats.marketing_volume(con, params)
    lang = _lang(params)
    keys = data[["channel", "campaign"]].drop_duplicates().sort_values(["channel", "campaign"])
    fig = go.Figure()
    for state in _ordered(data["consent_state"], list(CONSENT_COLOURS)):
        part = keys.merge(data[data["consent_state"] == state], how="left", on=["channel", "campaign"])
        fig.add_bar(x=[part["channel"].tolist(), [value(c, lang) for c in part["campaign"]]],
                    y=part["messages"].fillna(0).astype(int).tolist(), name=value(state, lang),
                    marker_color=CONSENT_COLOURS.get(state))
    fig.update_layout(barmode="stack", yaxis_title=t(N_("messages sent"), lang))
    fig = _layout(_empty(fig, _no_data(con, params, "marketing_messages")) if data.empty else fig,
                  N_("Marketing volume by channel and campaign, by consent at send time"), params, height=480)
    # Campaign names are long and drawn rotated below the bars: the legend goes above them.
    return fig.update_layout(legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
                             margin={"b": 140})


def retention_ages(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Histogram per retention rule: record age in months at as_of, the declared limit drawn as a line."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    data = stats.retention_ages(con, params)
    lang = _lang(params)
    rules = sorted(set(data["rule_id"])) or ["—"]
    fig = make_subplots(rows=len(rules), cols=1, subplot_titles=rules, vertical_spacing=0.12 if len(rules) > 1 else 0)
    for row, rule in enumerate(rules, start=1):
        part = data[data["rule_id"] == rule]
        for overdue, word, colour in ((False, "within the limit", "#74add1"), (True, "past due", "#d73027")):
            name = value(word, lang)
            bars = part[part["overdue"] == overdue]
            fig.add_trace(go.Bar(x=bars["age_months"], y=bars["records"], name=name, marker_color=colour,
                                 legendgroup=name, showlegend=row == 1), row=row, col=1)
        if not part.empty:
            limit = float(part["limit_months"].iloc[0])
            fig.add_vline(x=limit, line={"color": "#000000", "dash": "dash", "width": 2}, row=row, col=1,
                          annotation_text=t(N_("limit {months} months"), lang, months=f"{limit:g}"),
                          annotation_position="top left")
        fig.update_yaxes(title_text=t(N_("records"), lang), row=row, col=1)
    fig.update_xaxes(title_text=t(N_("age in months (from when the rule's period runs)"), lang), row=len(rules),
                     col=1)
    fig.update_layout(barmode="stack", bargap=0.05)
    return _layout(_empty(fig, t(NO_RECORDS, lang)) if data.empty else fig,
                   N_("Age of records against each retention limit"), params, with_period=False,
                   height=max(360, 260 * len(rules)))


def request_lead_times(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Histogram: requests by days from the deadline (Art. 12(3), Finnish working days), by status."""
    import plotly.graph_objects as go

    data = stats.request_lead_times(con, params)
    lang = _lang(params)
    summed = data.groupby(["status", "days_vs_deadline"], as_index=False)["requests"].sum()
    fig = go.Figure()
    for status in _ordered(summed["status"], list(REQUEST_COLOURS)):
        part = summed[summed["status"] == status]
        fig.add_bar(x=part["days_vs_deadline"], y=part["requests"], name=value(status, lang),
                    marker_color=REQUEST_COLOURS.get(status))
    if not data.empty:
        fig.add_vline(x=0, line={"color": "#000000", "dash": "dash", "width": 2},
                      annotation_text=t(N_("deadline"), lang), annotation_position="top right")
    fig.update_layout(barmode="stack", bargap=0.05, yaxis_title=t(N_("requests"), lang),
                      xaxis_title=t(N_("days from the deadline at completion (open: at as_of); negative = early"),
                                    lang))
    return _layout(_empty(fig, _no_data(con, params, "requests")) if data.empty else fig,
                   N_("Request lead times against the deadline"), params)


def access_by_role_hour(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Heatmap: access-log entries per staff role and local hour of day."""
    import plotly.graph_objects as go

    data = stats.access_by_role_hour(con, params)
    lang = _lang(params)
    data = data.assign(role=data["role"].map(lambda role: value(role, lang)))
    grid = data.pivot_table(index="role", columns="hour", values="accesses", aggfunc="sum", fill_value=0)
    grid = grid.reindex(columns=range(24), fill_value=0)
    fig = go.Figure(go.Heatmap(z=grid.values.tolist(), x=list(range(24)), y=grid.index.tolist(),
                               colorscale="Blues", colorbar={"title": t(N_("accesses"), lang)},
                               hovertemplate="%{y}, %{x}:00–%{x}:59: %{z}<extra></extra>"))
    fig.update_layout(xaxis_title=t(N_("hour of day (local time)"), lang), xaxis={"dtick": 2})
    return _layout(_empty(fig, _no_data(con, params, "access_log", "staff_accounts")) if data.empty else fig,
                   N_("Access by role and hour"), params, height=max(300, 120 + 40 * len(grid)))


def heaviest_readers(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Horizontal bars: the ten staff users with the most access-log entries, coloured by role."""
    import plotly.graph_objects as go

    data = stats.heaviest_readers(con, params).iloc[::-1]
    lang = _lang(params)
    # plotly's own placeholders, kept as they are in every language: %{y} the user, %{x} the entries, …
    hover = t(N_("{user}: {entries} entries, {subjects} subjects; busiest day {day} with {on_day}"), lang,
              user="%{y}", entries="%{x}", subjects="%{customdata[0]}", day="%{customdata[1]}",
              on_day="%{customdata[2]}")
    fig = go.Figure()
    for role, part in data.groupby("role", sort=True):
        fig.add_bar(y=part["user_id"], x=part["accesses"], name=value(role, lang), orientation="h",
                    customdata=list(zip(part["subjects"], part["busiest_day"].astype(str),
                                        part["busiest_day_accesses"])),
                    hovertemplate=hover + "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis_title=t(N_("access-log entries"), lang),
                      yaxis={"categoryorder": "array", "categoryarray": data["user_id"].tolist()})
    return _layout(_empty(fig, _no_data(con, params, "access_log", "staff_accounts")) if data.empty else fig,
                   N_("Heaviest readers (staff user ids)"), params)


def category_matrix(con: "duckdb.DuckDBPyConnection", params: Params) -> "go.Figure":
    """Matrix: categories declared per subject type against categories present in the exports."""
    import plotly.graph_objects as go

    data = stats.category_matrix(con, params)
    lang = _lang(params)
    states = [value(state, lang) for state in MATRIX_STATES]
    codes = data["declared"].astype(int) + 2 * data["present"].astype(int)
    # 0 neither, 1 declared only, 3 declared and present, 2 present only -> index into MATRIX_STATES
    data = data.assign(code=codes.map({0: 0, 1: 1, 3: 2, 2: 3}))
    z = data.pivot(index="category_id", columns="subject_type", values="code").fillna(0)
    counts = data.pivot(index="category_id", columns="subject_type", values="rows_with_values").fillna(0)
    text = [[f"{states[int(code)]}<br>" + t(N_("{n} rows"), lang, n=int(n)) if code else ""
             for code, n in zip(zr, cr)] for zr, cr in zip(z.values, counts.values)]
    scale = []
    for index, colour in enumerate(MATRIX_COLOURS):
        scale += [[index / len(MATRIX_COLOURS), colour], [(index + 1) / len(MATRIX_COLOURS), colour]]
    fig = go.Figure(go.Heatmap(z=z.values.tolist(), x=z.columns.tolist(), y=z.index.tolist(), text=text,
                               texttemplate="%{text}", zmin=-0.5, zmax=len(MATRIX_STATES) - 0.5,
                               colorscale=scale, xgap=2, ygap=2, hoverinfo="text",
                               colorbar={"tickvals": list(range(len(MATRIX_STATES))), "ticktext": states}))
    fig.update_layout(yaxis={"autorange": "reversed"})
    return _layout(_empty(fig, t(NO_RECORDS, lang)) if data.empty else fig,
                   N_("Declared categories vs categories present"), params, with_period=False,
                   height=max(360, 120 + 34 * len(z)))


FIGURES: dict[str, Callable[["duckdb.DuckDBPyConnection", Params], "go.Figure"]] = {
    "subjects_by_type": subjects_by_type,
    "registrations_by_month": registrations_by_month,
    "account_states": account_states,
    "consent_by_month": consent_by_month,
    "marketing_volume": marketing_volume,
    "retention_ages": retention_ages,
    "request_lead_times": request_lead_times,
    "access_by_role_hour": access_by_role_hour,
    "heaviest_readers": heaviest_readers,
    "category_matrix": category_matrix,
}


def frame_of(figure_name: str) -> Callable[["duckdb.DuckDBPyConnection", Params], "pd.DataFrame"]:
    """The statistic a figure draws (same name in ``stats``), to show or test the numbers behind it."""
    return getattr(stats, figure_name)


def use_offline_renderer() -> str:
    """Display figures as plotly's mimetype (live in JupyterLab) plus offline HTML that nbconvert
    draws, plotly.js embedded once; the report's renderer, so both notebooks export alike."""
    from audit_lib.report.charts import use_offline_renderer as report_renderer

    return report_renderer()
