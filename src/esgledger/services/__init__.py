"""Application services: read the ledger, call the pure engines, write results.

The engines (:mod:`esgledger.calc`, :mod:`esgledger.quality`,
:mod:`esgledger.assess`) take plain data and never open a session; the
adapters (:mod:`esgledger.cli`, the web app) parse input and print. The
functions here sit between the two: each takes an open
:class:`~esgledger.store.Ledger`, fetches the plain data an engine needs,
calls it, and stores what should be stored.

- :mod:`esgledger.services.calc`: ``compute_run(ctx, ...)`` (the use case);
  ``compute_ledger``, ``run_and_store``, ``ledger_factors`` (ledger helpers).
- :mod:`esgledger.services.quality`: ``findings(ctx, ...)``,
  ``acknowledge_finding(ctx, ...)``; ``ledger_findings``, ``select_findings``,
  ``acknowledge``, ``acknowledgements``, ``check_reason``.
- :mod:`esgledger.services.targets`: ``targets_progress(ctx, ...)``;
  ``load_targets_file``, ``targets_text``, ``metric_values``, ``ledger_targets``.
- :mod:`esgledger.services.reports`: ``build_report(ctx, ...)``;
  :mod:`esgledger.services.coverage`: ``framework_coverage(ctx, ...)``.

Importing this package imports nothing heavy; import the submodule you need.
"""

from __future__ import annotations

__all__: list[str] = []
