"""The figures engine's SQL: the vocabulary of ``criteria.figures`` written as statements.

Every dashboard figure of a unit comes from one statement built here, so a province's
headline, buckets, lagging criteria and last year's figures cost one round trip. The common
part (``_CTES``) names the terms once:

``y``        the years asked for, each with its first and last day and its *cut-off* — the day
             its units and titles are read on (31 December; today while the year runs; a
             bulletin's month end; a unit's last day in the year it ended: ``Window``);
``a``        the assessments of rural communes (xã) of those years that speak for their unit
             (merged duplicates left out), with their figures — stored ones, or, "as recorded" at a moment, the last
             row of the append-only log before it; not those of a commune that became, by the
             cut-off, units listed apart (``_BECAME_APART``: the place is a ward then);
``counted``  (unit, year): the communes of the year (``criteria.figures.communes_of_year_q``)
             — rural communes (xã) existing by the cut-off, assessed in the year (``a``), or existing
             on the cut-off unless a predecessor was assessed in it, or ended in the year by
             then into a commune so left out (``_INTO_LEFT_OUT``, which the units listed
             apart, ``APART``, read too);
``dy``       (unit, year): the districts of the year — on the cut-off, or above a commune of
             the year;
``rec``      recognition decisions (unit, tier, decision date, revocation date), with the unit's
             level and lifetime;
``held``     (unit, tier, year): the unit holds the title at the tier on the year's cut-off — a
             decision dated by then, and no revocation dated from it up to then; that is,
             its last revocation by the cut-off (if any) is older than its last recognition.
             Read from ``spans``: a unit's decisions and revocations in date order (a
             revocation after a decision of the same day), each recognition holding until
             the next event; one pass over the decisions instead of one per year.

Units "under the unit" (path prefix; as now, also those whose main part went into it) are
read from the units table in each part with the same filter, never through a CTE: the planner
then knows how many there are (a CTE's filtered rows look like a handful to it, and it once
joined 8,000 communes to 15,000 decisions row by row: 11 s for the country).

``reports/tests/selectors/test_vocabulary.py`` holds these statements to the ORM rules of
``criteria.figures`` on the same data, on SQLite and PostgreSQL, and
``test_unit_filters_sql.py`` their unit filters (``existed_sql``, ``counted``, ``dy``, the units
listed apart) to ``communes.models`` and ``criteria.figures`` unit by unit, on every year
boundary and cut-offs around it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Value
from django.db.models.functions import StrIndex, Substr

from communes.models import COMMUNE_TYPES_APART, NTM_COMMUNE_TYPES, AdministrativeUnit, Level


@dataclass(frozen=True)
class Window:
    """A year and the day its units and titles are read on (``reports.selectors.window_of``)."""

    year: int
    cut: datetime.date

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


def existed_sql(alias: str, first: str, last: str) -> str:
    """``communes.models.existed_during_q`` in SQL: the unit ``alias`` existed on at least one day
    from ``first`` to ``last`` (SQL expressions); a day when both are the same. Pinned to the ORM
    rule by ``reports/tests/selectors/test_unit_filters_sql.py``."""
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= {last})"
        f" AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= {first})"
    )


# The unit filters the statements use, by name (filled into the templates with their other parts).
_UNIT_FILTERS = {
    "u_on_cut": existed_sql("u", "y.cut", "y.cut"),
    "n_on_cut": existed_sql("n", "y.cut", "y.cut"),
    "h_on_cut": existed_sql("h", "y.cut", "y.cut"),
    # "new" counts a decision for a unit existing on its date (criteria.figures.EXISTED_ON_DECISION)
    "rec_existed": existed_sql("rec", "rec.decision_date", "rec.decision_date"),
}


def _in_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # fixed code lists from the models, never user input


_FIGURES_STORED = "a.state, a.criteria_met, a.criteria_total, a.criteria_basically_met"
_FIGURES_RECORDED = "l.state, l.criteria_met, l.criteria_total, l.criteria_basically_met"
# The last log row of the assessment at or before the moment (no row: it did not exist yet).
_LOG_JOIN = """JOIN criteria_assessmentlog l ON l.id = (
        SELECT l2.id FROM criteria_assessmentlog l2
        WHERE l2.assessment_id = a.id AND l2.at <= %(recorded)s ORDER BY l2.at DESC, l2.id DESC LIMIT 1)"""

# A decision "as recorded" at the moment: the state the log had by then.
_REC_LOG_JOIN = """JOIN criteria_assessmentlog rl ON rl.id = (
        SELECT l2.id FROM criteria_assessmentlog l2
        WHERE l2.assessment_id = r.id AND l2.at <= %(recorded)s ORDER BY l2.at DESC, l2.id DESC LIMIT 1)"""

_CTES = """
WITH y (year, first_day, last_day, cut) AS (VALUES {years}),
a AS MATERIALIZED (
    SELECT a.id, a.unit_id, a.year, a.tier, a.criteria_set_id, {figures}, {prov} AS prov
    FROM criteria_assessment a
    JOIN communes_administrativeunit u ON u.id = a.unit_id
    JOIN y ON y.year = a.year
    {log_join}
    WHERE a.year IN ({year_list}) AND a.merged_into_id IS NULL
      AND u.level = 'commune' AND u.type IN ({ntm_types}) {under}
      AND NOT {u_became_apart}
),
counted AS MATERIALIZED (
    SELECT u.id, y.year, {prov} AS prov FROM communes_administrativeunit u CROSS JOIN y
    LEFT JOIN (SELECT DISTINCT unit_id, year FROM a) assessed
         ON assessed.unit_id = u.id AND assessed.year = y.year
    WHERE u.level = 'commune' AND u.type IN ({ntm_types}) {under}
      AND (u.valid_from IS NULL OR u.valid_from <= y.cut)
      AND (assessed.unit_id IS NOT NULL
           OR ({u_on_cut}
               AND NOT EXISTS (
                   SELECT 1 FROM communes_unitsuccession p
                   WHERE p.successor_id = u.id
                     AND EXISTS (SELECT 1 FROM criteria_assessment x WHERE x.unit_id = p.predecessor_id
                                 AND x.year = y.year AND x.merged_into_id IS NULL {known})))
           OR {into_left_out})
),
dy AS MATERIALIZED (
    SELECT u.id, y.year, {prov} AS prov FROM communes_administrativeunit u CROSS JOIN y
    WHERE u.level = 'district' {under} AND {u_on_cut}
    UNION
    SELECT u.id, y.year, {prov}
    FROM counted c JOIN y ON y.year = c.year
    JOIN communes_administrativeunit cu ON cu.id = c.id
    JOIN communes_administrativeunit u ON u.id = cu.parent_id
    WHERE u.level = 'district' {under}
),
rec AS MATERIALIZED (
    SELECT r.unit_id, r.tier, r.decision_date,
           {revoked} AS revocation_date, u.level, u.valid_from, u.valid_to, {prov} AS prov
    FROM criteria_assessment r
    JOIN communes_administrativeunit u ON u.id = r.unit_id
    {rec_log_join}
    WHERE r.merged_into_id IS NULL AND {decided} IN ('recognised', 'revoked') AND r.decision_date IS NOT NULL
      AND u.level IN ('commune', 'village', 'district') {under}
),
spans AS (
    SELECT unit_id, tier, level, valid_from, valid_to, prov, kind, day,
           LEAD(day) OVER (PARTITION BY unit_id, tier ORDER BY day, kind) AS until
    FROM (SELECT unit_id, tier, level, valid_from, valid_to, prov, decision_date AS day, 0 AS kind FROM rec
          UNION ALL
          SELECT unit_id, tier, level, valid_from, valid_to, prov, revocation_date, 1 FROM rec
          WHERE revocation_date IS NOT NULL) events
),
held AS MATERIALIZED (
    SELECT DISTINCT s.unit_id, s.tier, y.year, s.level, s.valid_from, s.valid_to, s.prov
    FROM spans s JOIN y ON s.day <= y.cut AND (s.until IS NULL OR s.until > y.cut)
    WHERE s.kind = 0
)
"""


# One row shape for every branch: kind, year, key, name, n1, n2, n3, and the province (``prov``,
# the path prefix of the province the rows belong to): every figure is a sum over provinces, so
# a country's rows are its provinces' rows merged.
BRANCHES = {
    # communes and districts of the year; the units listed apart on the same map
    "units": """
SELECT 'units', year, CAST(NULL AS TEXT), 'commune', COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), prov
FROM counted GROUP BY year, prov
UNION ALL
SELECT 'units', year, CAST(NULL AS TEXT), 'district', COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), prov
FROM dy GROUP BY year, prov
UNION ALL
SELECT 'apart', y.year, u.type, CAST(NULL AS TEXT), COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), {prov}
{apart}
GROUP BY y.year, u.type, {prov}""",
    # title holders on the cut-off: communes of the year; villages of the year (the same rule:
    # assessed in it, or existing on the cut-off unless a village they were formed from was); districts of the year (dy)
    "titles": """
SELECT 'title', c.year, h.tier, 'commune', COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), c.prov
FROM counted c JOIN held h ON h.unit_id = c.id AND h.year = c.year
GROUP BY c.year, h.tier, c.prov
UNION ALL
SELECT 'title', y.year, h.tier, h.level, COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), h.prov
FROM held h JOIN y ON y.year = h.year
WHERE h.level = 'village' AND {village_of_year}
GROUP BY y.year, h.tier, h.level, h.prov
UNION ALL
SELECT 'title', h.year, h.tier, h.level, COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), h.prov
FROM held h JOIN dy ON dy.id = h.unit_id AND dy.year = h.year
WHERE h.level = 'district'
GROUP BY h.year, h.tier, h.level, h.prov""",
    # newly recognised: decisions dated in the period, of the main year's communes (and villages);
    # the communes read with IN, not joined: a join of two CTEs ran row by row (5 ms a province);
    # "existed on its date" inside the count, not the WHERE: there it turned the plan into a slow one
    # (the country's first request 0.85 → 2.3 s)
    "new": """
SELECT 'new', %(year)s, rec.tier, 'commune', COUNT(DISTINCT CASE WHEN {rec_existed} THEN rec.unit_id END),
       CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), rec.prov
FROM rec WHERE rec.decision_date BETWEEN %(new_first)s AND %(new_last)s
  AND rec.unit_id IN (SELECT id FROM counted WHERE year = %(year)s)
GROUP BY rec.tier, rec.prov
UNION ALL
SELECT 'new', %(year)s, rec.tier, rec.level, COUNT(DISTINCT rec.unit_id), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
       rec.prov
FROM rec WHERE rec.level IN ('village', 'district') AND rec.decision_date BETWEEN %(new_first)s AND %(new_last)s AND {rec_existed}
  AND (rec.level = 'district' OR {rec_ntm_village})
GROUP BY rec.tier, rec.level, rec.prov""",
    # the standing of each year: assessments of the communes counted, per tier and set size (a
    # year may mix scales: a province's 20 beside the national 19)
    "stats": """
SELECT 'stats', year, tier, 'commune', criteria_total, COUNT(*), SUM(criteria_met), prov FROM a
GROUP BY year, tier, criteria_total, prov""",
    # "cơ bản đạt" beside the standing: criteria basically met, and communes with any
    "basic": """
SELECT 'basic', year, tier, 'commune', SUM(criteria_basically_met),
       SUM(CASE WHEN criteria_basically_met > 0 THEN 1 ELSE 0 END), CAST(NULL AS BIGINT), prov FROM a
GROUP BY year, tier, prov""",
    # buckets: the main year's communes at the tier, by set size and criteria met
    "met": """
SELECT 'met', year, CAST(NULL AS TEXT), CAST(NULL AS TEXT), criteria_total, criteria_met, COUNT(*), prov FROM a
WHERE year = %(year)s AND tier = %(tier)s
GROUP BY year, criteria_total, criteria_met, prov""",
    # the same communes by criteria met *and basically met* (the reports' second figure)
    "met_basic": """
SELECT 'met_basic', year, CAST(NULL AS TEXT), CAST(NULL AS TEXT), criteria_total,
       criteria_met + criteria_basically_met, COUNT(*), prov FROM a
WHERE year = %(year)s AND tier = %(tier)s
GROUP BY year, criteria_total, criteria_met + criteria_basically_met, prov""",
    # lagging criteria: results not met of those assessments, and every criterion of their sets
    # with the assessments on that set (a criterion's share is of the communes whose set has it)
    "not_met": """
SELECT 'not_met', a.year, CAST(NULL AS TEXT), CAST(NULL AS TEXT), r.criterion_id, COUNT(*),
       SUM(CASE WHEN r.basically_met THEN 1 ELSE 0 END), a.prov
FROM {results} r JOIN a ON a.id = r.assessment_id
WHERE a.year = %(year)s AND a.tier = %(tier)s AND NOT r.met
GROUP BY a.year, r.criterion_id, a.prov
UNION ALL
SELECT 'criterion', CAST(NULL AS INTEGER), CAST(NULL AS TEXT), c.name, c.id, c.number, s.n, s.prov
FROM criteria_criterion c
JOIN (SELECT criteria_set_id, prov, COUNT(*) AS n FROM a
      WHERE year = %(year)s AND tier = %(tier)s GROUP BY criteria_set_id, prov) s
  ON s.criteria_set_id = c.criteria_set_id""",
}

# ``criteria.figures._into_left_out_q`` for unit ``u`` in ``y``: it ended in the year by the
# cut-off into a commune left out — a xã on the cut-off (``n``), not assessed in the year, some
# predecessor of which was. The communes counted and the units listed apart both read it. The
# cheap date test first: most units never reach the lookups.
_INTO_LEFT_OUT = """(u.valid_to >= y.first_day AND u.valid_to < y.cut
               AND EXISTS (
                   SELECT 1 FROM communes_unitsuccession s1
                   WHERE s1.predecessor_id = u.id
                     AND EXISTS (
                       SELECT 1 FROM communes_administrativeunit n
                       WHERE n.id = s1.successor_id AND n.level = 'commune' AND n.type IN ({ntm_types})
                         AND {n_on_cut}
                         AND NOT EXISTS (SELECT 1 FROM criteria_assessment z WHERE z.unit_id = n.id
                                         AND z.year = y.year AND z.merged_into_id IS NULL {known_z})
                         AND EXISTS (SELECT 1 FROM communes_unitsuccession s2 WHERE s2.successor_id = n.id
                                     AND EXISTS (SELECT 1 FROM criteria_assessment x
                                                 WHERE x.unit_id = s2.predecessor_id AND x.year = y.year
                                                   AND x.merged_into_id IS NULL {known})))))"""


# ``criteria.figures.became_apart_q`` for unit ``{u}`` in ``y``: it ended before the cut-off, a
# successor of it on the cut-off is a ward, township or special zone, and none is a xã. The
# cheap date test first: most units never reach the lookups (and never NULL: ``a`` reads it
# under NOT).
_BECAME_APART = """({u}.valid_to IS NOT NULL AND {u}.valid_to < y.cut
          AND EXISTS (SELECT 1 FROM communes_unitsuccession ws WHERE ws.predecessor_id = {u}.id
                      AND EXISTS (SELECT 1 FROM communes_administrativeunit wn WHERE wn.id = ws.successor_id
                                  AND wn.level = 'commune' AND wn.type IN ({apart_types}) AND {wn_on_cut}))
          AND NOT EXISTS (SELECT 1 FROM communes_unitsuccession ws WHERE ws.predecessor_id = {u}.id
                          AND EXISTS (SELECT 1 FROM communes_administrativeunit wn WHERE wn.id = ws.successor_id
                                      AND wn.level = 'commune' AND wn.type IN ({ntm_types}) AND {wn_on_cut})))"""


def _became_apart(alias: str) -> str:
    return _BECAME_APART.format(
        u=alias,
        apart_types=_in_list(COMMUNE_TYPES_APART),
        ntm_types=_in_list(NTM_COMMUNE_TYPES),
        wn_on_cut=existed_sql("wn", "y.cut", "y.cut"),
    )


def _into_left_out(recorded) -> str:
    return _INTO_LEFT_OUT.format(
        known=_KNOWN.format(a="x") if recorded else "",
        known_z=_KNOWN.format(a="z") if recorded else "",
        ntm_types=_in_list(NTM_COMMUNE_TYPES),
        n_on_cut=_UNIT_FILTERS["n_on_cut"],
    )


# The units listed apart, u × y (``criteria.figures.apart_of_year_q``): on the cut-off, or ended
# in the year by then into a xã left out (``_INTO_LEFT_OUT``).
APART = """FROM communes_administrativeunit u CROSS JOIN y
WHERE u.level = 'commune' AND u.type IN ({apart_types}) {under}
  AND ({u_on_cut} OR {into_left_out})"""

_RESULTS_STORED = "criteria_criterionresult"
_RESULTS_RECORDED = """(SELECT l.assessment_id, l.criterion_id, l.met, l.basically_met FROM criteria_criterionresultlog l
    WHERE l.id = (SELECT l2.id FROM criteria_criterionresultlog l2
                  WHERE l2.assessment_id = l.assessment_id AND l2.criterion_id = l.criterion_id
                    AND l2.at <= %(recorded)s ORDER BY l2.at DESC, l2.id DESC LIMIT 1))"""


# "As now" (today's map): a unit that ended counts where its main part went — the successor
# (``UnitSuccession.main_part``) under the unit asked about; its villages follow it.
_UNDER_PATH = "u.path LIKE %(path)s ESCAPE '\\'"
_MAIN_SUCCESSOR = """(SELECT s.successor_id FROM communes_unitsuccession s
    JOIN communes_administrativeunit n ON n.id = s.successor_id
    WHERE s.main_part AND s.predecessor_id = {unit} AND n.path LIKE %(path)s ESCAPE '\\' LIMIT 1)"""


def prov_sql(alias: str = "u") -> str:
    """The province of unit ``alias`` as its path prefix (``/26/`` of ``/26/227/08176/``): the key
    the figures are grouped and cached by (``reports.selectors.cache``)."""
    find = "strpos" if connection.vendor == "postgresql" else "instr"
    return f"substr({alias}.path, 1, {find}(substr({alias}.path, 2), '/') + 1)"


def province_of(field: str) -> Substr:
    """``prov_sql`` as an ORM expression on the path ``field`` (the same SQL: Django's
    ``StrIndex`` is ``strpos`` or ``instr``)."""
    return Substr(field, 1, StrIndex(Substr(field, 2), Value("/")) + 1)


def _under(unit: AdministrativeUnit | None, as_now: bool, provinces: list[str] | None = None) -> tuple[str, str, dict]:
    """ "Under the unit": the path starts with the unit's (escaped: a code may hold ``_``), and,
    as now, the units whose main part went into it; for the country, ``provinces`` keeps only
    the units of those province prefixes. Returns the filter, the ``mapped_to`` column (the
    successor a mapped unit counts under) and the parameters."""
    if unit is None and provinces is not None:
        names = [f"%(prov{n})s" for n in range(len(provinces))]
        params = {f"prov{n}": prefix for n, prefix in enumerate(provinces)}
        return f"AND {prov_sql()} IN ({', '.join(names)})", "CAST(NULL AS BIGINT)", params
    if unit is None:
        return "", "CAST(NULL AS BIGINT)", {}
    params = {"path": _like_prefix(unit.path)}
    if not as_now:
        return f"AND {_UNDER_PATH}", "CAST(NULL AS BIGINT)", params
    commune, village = _MAIN_SUCCESSOR.format(unit="u.id"), _MAIN_SUCCESSOR.format(unit="u.parent_id")
    mapped_to = f"CASE WHEN {_UNDER_PATH} THEN NULL ELSE COALESCE({commune}, {village}) END"
    under = f"AND ({_UNDER_PATH} OR {commune} IS NOT NULL OR {village} IS NOT NULL)"
    return under, mapped_to, params


def _like_prefix(path: str) -> str:
    return connection.ops.prep_for_like_query(path) + "%"


def ctes(
    unit: AdministrativeUnit | None,
    windows: list[Window],
    recorded: datetime.datetime | None,
    as_now: bool = False,
    provinces: list[str] | None = None,
) -> tuple[str, dict]:
    """The common part and its parameters."""
    under, _mapped_to, params = _under(unit, as_now, provinces)
    years = []
    for n, w in enumerate(windows):
        years.append(f"(%(y{n})s, %(f{n})s, %(l{n})s, %(c{n})s)")
        params.update({f"y{n}": w.year, f"f{n}": w.first_day, f"l{n}": w.last_day, f"c{n}": w.cut})
    if recorded is not None:
        params["recorded"] = recorded
    sql = _CTES.format(
        years=", ".join(years),
        year_list=", ".join(f"%(y{n})s" for n in range(len(windows))),
        under=under,
        prov=prov_sql(),
        figures=_FIGURES_RECORDED if recorded else _FIGURES_STORED,
        log_join=_LOG_JOIN if recorded else "",
        ntm_types=_in_list(NTM_COMMUNE_TYPES),
        known=_KNOWN.format(a="x") if recorded else "",
        into_left_out=_into_left_out(recorded),
        u_became_apart=_became_apart("u"),
        revoked=("CASE WHEN rl.state = 'revoked' THEN r.revocation_date END" if recorded else "r.revocation_date"),
        rec_log_join=_REC_LOG_JOIN if recorded else "",
        decided="rl.state" if recorded else "r.state",
        **_UNIT_FILTERS,
    )
    return sql, params


# An assessment already entered at the moment read, when reading "as recorded" ({a}: its alias).
_KNOWN = "AND EXISTS (SELECT 1 FROM criteria_assessmentlog {a}l WHERE {a}l.assessment_id = {a}.id AND {a}l.at <= %(recorded)s)"
# ``communes.filters.ntm_villages_q`` in SQL, for the village whose id is ``{unit}``: a village of a
# rural commune (a ward's tổ dân phố is never an NTM village).
_NTM_VILLAGE = """EXISTS (SELECT 1 FROM communes_administrativeunit vu
                 JOIN communes_administrativeunit vc ON vc.id = vu.parent_id
                 WHERE vu.id = {unit} AND vc.level = 'commune' AND vc.type IN ({ntm_types}))"""
# ``criteria.figures.villages_of_year_q`` in SQL, for the held village ``h`` in ``y.year``: of a rural
# commune (``_NTM_VILLAGE``), and assessed in the year unless its commune became units listed apart
# by the cut-off (``_BECAME_APART`` of its parent), or existing on the cut-off unless a village it
# was formed from was assessed in it. The common case first (on the cut-off, formed from none):
# most villages never reach the lookups.
_VILLAGE_OF_YEAR = """{ntm_village} AND (({h_on_cut}
          AND NOT EXISTS (SELECT 1 FROM communes_unitsuccession vp
                          WHERE vp.successor_id = h.unit_id
                            AND EXISTS (SELECT 1 FROM criteria_assessment vx WHERE vx.unit_id = vp.predecessor_id
                                        AND vx.year = y.year AND vx.merged_into_id IS NULL {known_vx})))
         OR (EXISTS (SELECT 1 FROM criteria_assessment va
                     WHERE va.unit_id = h.unit_id AND va.year = y.year AND va.merged_into_id IS NULL {known_va})
             AND NOT EXISTS (SELECT 1 FROM communes_administrativeunit wv
                             JOIN communes_administrativeunit wc ON wc.id = wv.parent_id
                             WHERE wv.id = h.unit_id AND {wc_became_apart})))"""


def _ntm_village(unit: str) -> str:
    return _NTM_VILLAGE.format(unit=unit, ntm_types=_in_list(NTM_COMMUNE_TYPES))


def _village_of_year(recorded) -> str:
    known = (lambda alias: _KNOWN.format(a=alias)) if recorded else (lambda alias: "")
    return _VILLAGE_OF_YEAR.format(
        ntm_village=_ntm_village("h.unit_id"),
        known_va=known("va"),
        known_vx=known("vx"),
        h_on_cut=_UNIT_FILTERS["h_on_cut"],
        wc_became_apart=_became_apart("wc"),
    )


def _body(
    template: str, unit: AdministrativeUnit | None, recorded, as_now: bool, provinces: list[str] | None = None
) -> str:
    under, mapped_to, _params = _under(unit, as_now, provinces)
    return template.replace("{apart}", APART).format(
        village_of_year=_village_of_year(recorded),
        rec_ntm_village=_ntm_village("rec.unit_id"),
        under=under,
        prov=prov_sql(),
        mapped_to=mapped_to,
        ntm_types=_in_list(NTM_COMMUNE_TYPES),
        apart_types=_in_list(COMMUNE_TYPES_APART),
        into_left_out=_into_left_out(recorded),
        results=_RESULTS_RECORDED if recorded else _RESULTS_STORED,
        **_UNIT_FILTERS,
    )


def apart_rows(unit: AdministrativeUnit, recorded: datetime.datetime | None = None) -> str:
    """The ids and years of the units listed apart under ``unit``, after ``ctes`` (for tests)."""
    return _body("SELECT u.id, y.year " + APART, unit, recorded, False)


def run(
    unit: AdministrativeUnit | None,
    windows: list[Window],
    branches: list[str],
    *,
    year: int,
    tier: str,
    new_period: tuple[datetime.date, datetime.date] | None = None,
    recorded: datetime.datetime | None = None,
    as_now: bool = False,
    provinces: list[str] | None = None,
) -> list[tuple]:
    """Rows (kind, year, key, name, n1, n2, n3, province) of the chosen branches, in one
    statement; ``provinces`` (with ``unit=None``) limits the country to those prefixes."""
    head, params = ctes(unit, windows, recorded, as_now, provinces)
    first, last = new_period or (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    params.update({"year": year, "tier": tier, "new_first": first, "new_last": last})
    body = "\nUNION ALL\n".join(_body(BRANCHES[b], unit, recorded, as_now, provinces) for b in branches)
    with connection.cursor() as cursor:
        cursor.execute(head + body, params)
        return cursor.fetchall()


# The unit one level below the one asked about that holds commune ``u`` (its parent ``p``).
def child_of(unit: AdministrativeUnit | None) -> str:
    """The country → its provinces; a province → its districts, or the commune itself where it
    hangs directly under the province (from 1 July 2025); a district → the commune. A unit
    counted as now is shown under the commune its main part went into."""
    if unit is None:
        return "CASE WHEN p.level = 'province' THEN u.parent_id ELSE p.parent_id END"
    if unit.level == Level.PROVINCE:
        return "COALESCE({mapped_to}, CASE WHEN p.level = 'district' THEN u.parent_id ELSE u.id END)"
    return "COALESCE({mapped_to}, u.id)"


BREAKDOWN = """,
cc AS MATERIALIZED (
    SELECT c.id, {child} AS child FROM counted c
    JOIN communes_administrativeunit u ON u.id = c.id
    LEFT JOIN communes_administrativeunit p ON p.id = u.parent_id
),
counts AS (SELECT child, COUNT(*) AS n FROM cc GROUP BY child),
stats AS (
    SELECT cc.child, COUNT(*) AS units, SUM(a.criteria_met) AS met_sum, SUM(a.criteria_basically_met) AS basic_sum
    FROM cc JOIN a ON a.unit_id = cc.id AND a.year = %(year)s AND a.tier = %(tier)s
    GROUP BY cc.child
),
titles AS (
    SELECT cc.child, COUNT(*) AS n FROM cc JOIN held h ON h.unit_id = cc.id AND h.tier = %(tier)s GROUP BY cc.child
),
news AS (
    SELECT cc.child, COUNT(DISTINCT cc.id) AS n
    FROM cc JOIN rec ON rec.unit_id = cc.id AND rec.tier = %(tier)s
         AND rec.decision_date BETWEEN %(new_first)s AND %(new_last)s AND {rec_existed}
    GROUP BY cc.child
)
SELECT ch.code, ch.name, ch.level, counts.n, stats.units, titles.n, stats.met_sum, news.n, stats.basic_sum
FROM counts
JOIN communes_administrativeunit ch ON ch.id = counts.child
LEFT JOIN stats ON stats.child = counts.child
LEFT JOIN titles ON titles.child = counts.child
LEFT JOIN news ON news.child = counts.child
ORDER BY CASE WHEN ch.level = 'commune' THEN 1 ELSE 0 END, ch.name_sort, ch.code
"""


def breakdown(
    unit: AdministrativeUnit | None,
    window: Window,
    *,
    tier: str,
    new_period: tuple[datetime.date, datetime.date] | None = None,
    recorded: datetime.datetime | None = None,
    as_now: bool = False,
) -> list[tuple]:
    """Per unit one level down: (code, name, level, communes, assessed, title holders, met sum, new,
    basically met sum)."""
    head, params = ctes(unit, [window], recorded, as_now)
    first, last = new_period or (window.first_day, window.last_day)
    params.update({"year": window.year, "tier": tier, "new_first": first, "new_last": last})
    with connection.cursor() as cursor:
        cursor.execute(head + _body(BREAKDOWN.replace("{child}", child_of(unit)), unit, recorded, as_now), params)
        return cursor.fetchall()
