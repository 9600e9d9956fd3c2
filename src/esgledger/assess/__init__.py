"""Double materiality assessment and the climate risk and opportunity register.

A pure engine: plain data in, plain data out. ``topics`` (the topic
catalogue), ``materiality`` (scores, tiers, sensitivity, change), ``survey``
(groups, responses, expert scores, questionnaire), ``risks`` (the IFRS S2
register) and ``charts`` (matrix and heat map). It never opens a file or a
session: files are read and written by ``esgledger.intake.assessment_files``,
storage lives in ``esgledger.store.assessments``.
"""

from __future__ import annotations

__all__: list[str] = []
