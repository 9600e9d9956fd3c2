"""The demo data set: the seed company's entity tree, published figures and targets.

``data/entities.csv`` and ``data/observations.csv`` are in the interchange
format (see DESIGN.md) and are imported through the ordinary intake path by
:func:`esgledger.demo.build.build_demo`; ``data/targets.yaml`` holds the
company's published targets for the calculation engine. ``generate.py``
rewrites the two CSV files from the published figures and the split rules.
"""

from __future__ import annotations

from esgledger.demo.build import DemoSummary, build_demo, data_path, summarise

__all__ = ["DemoSummary", "build_demo", "data_path", "summarise"]
