"""Energy management: meters, interval data, monitoring rules and early warning (pure).

Nothing here touches storage or files: the functions take plain data (and
polars frames) and return plain data. :mod:`esgledger.store.energy` keeps
meters, readings, rollups and alerts; :mod:`esgledger.services.meters`,
``readings``, ``alerts`` and ``energy`` are the use cases.

Modules, one noun each:

- :mod:`~esgledger.energy.meters`: the meter registry's record and its checks;
- :mod:`~esgledger.energy.timestamps`: time-zone-aware timestamp parsing;
- :mod:`~esgledger.energy.deltas`: readings → interval deltas (counters with
  rollover and reset detection), with a reject per bad row;
- :mod:`~esgledger.energy.rollups`: hour / day / month buckets and completeness;
- :mod:`~esgledger.energy.checks`: data-quality rules over a meter's series;
- :mod:`~esgledger.energy.warnings`: early-warning rules (quota burn-down,
  intensity limit, spikes, gaps);
- :mod:`~esgledger.energy.datasets`: the monitoring-system daily and monthly
  data items;
- :mod:`~esgledger.energy.synthetic`: the demo's labelled synthetic series.
"""

from __future__ import annotations

DEFAULT_TIMEZONE = "Asia/Shanghai"

__all__ = ["DEFAULT_TIMEZONE"]
