"""The programme's calendar, no ORM: the years and dates every form and service bounds itself by.

The NTM programme began with QĐ 491/QĐ-TTg of 16/04/2009 (the first criteria set) and its
first year of assessment is 2010. The portal accepts years up to ``LAST_YEAR``: the province
targets (``plans``), the criteria sets' periods — one bound, so that a set's period never ends
after the last year a plan can aim at.
"""

from __future__ import annotations

import datetime

FIRST_YEAR = 2010  # the programme's first year (QĐ 491/QĐ-TTg, 2009)
LAST_YEAR = 2035  # the last year the portal accepts for a plan's target or a set's period
FIRST_DECISION = datetime.date(2009, 4, 16)  # QĐ 491/QĐ-TTg, the first criteria set
LONGEST_PERIOD = 10  # years: a set's period (the programme's plans run 5 years)
