"""Consolidation boundaries over the entity tree and inclusion windows.

Each entity's *link* says how much of it its parent takes in:

- ``operational``: 100 % if ``control`` is operational, else 0;
- ``financial``: 100 % if ``control`` is operational or financial, else 0 —
  except a joint venture (type ``jv``/``joint_venture``/合营, or exactly 50 %
  owned), which is jointly controlled and taken in at its ownership share
  whatever its ``control`` (``none`` included), as the GHG Protocol Corporate
  Standard (chapter 3, Table 2) does;
  A stated ``financial_control`` (``full``, ``joint``, ``none``) overrides both
  rules, so a 50 %-owned subsidiary the parent controls counts 100 % and an
  operated associate without financial control 0;
- ``equity``: ``ownership_pct`` / 100, whatever the control.

An entity's share in an ancestor is the product of the links on the path
between them, so equity share multiplies ownership along the chain to the root.
An entity's inclusion window is its own window intersected with those of its
ancestors (a divested parent takes its children with it;
:func:`esgledger.calc.yearvalue.inclusion_windows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from esgledger.calc.yearvalue import inclusion_windows
from esgledger.errors import CalcError
from esgledger.model import Entity

__all__ = ["BOUNDARIES", "Boundary", "Link", "Tree", "build_tree", "is_joint_venture"]

Boundary = Literal["operational", "financial", "equity"]
BOUNDARIES: tuple[Boundary, ...] = ("operational", "financial", "equity")

_JV_TYPES = {"jv", "joint_venture", "joint venture", "joint-venture", "合营", "合营企业", "合资"}


def is_joint_venture(entity: Entity) -> bool:
    """Whether ``entity`` is jointly controlled (by type, or held exactly 50 %)."""
    return entity.type.strip().lower() in _JV_TYPES or entity.ownership_pct == 50


@dataclass(frozen=True)
class Link:
    """How much of an entity its parent takes in under a boundary, and why."""

    share: float
    reason: str


def _link(entity: Entity, boundary: Boundary) -> Link:
    own = 100.0 if entity.ownership_pct is None else float(entity.ownership_pct)
    if boundary == "equity":
        return Link(own / 100.0, f"equity share: {own:g} % owned by {entity.parent}")
    if boundary == "operational":
        if entity.control == "operational":
            return Link(1.0, f"operational control by {entity.parent}: 100 %")
        return Link(0.0, f"no operational control by {entity.parent} (control={entity.control})")
    if entity.financial_control == "full":
        return Link(1.0, f"financial control by {entity.parent} (stated): 100 %")
    if entity.financial_control == "none":
        return Link(0.0, f"no financial control by {entity.parent} (stated)")
    if entity.financial_control == "joint" or is_joint_venture(entity):
        return Link(
            own / 100.0,
            f"joint financial control: counted at its {own:g} % ownership "
            "(GHG Protocol, jointly controlled entities)",
        )
    if entity.control in ("operational", "financial"):
        return Link(1.0, f"financial control by {entity.parent}: 100 %")
    return Link(0.0, f"no financial control by {entity.parent} (control={entity.control})")


@dataclass(frozen=True)
class Tree:
    """The entity tree prepared for one boundary."""

    boundary: Boundary
    entities: dict[str, Entity]
    links: dict[str, Link]  # by entity code (the root's link is 100 %)
    ancestors: dict[str, tuple[str, ...]]  # entity -> (self, parent, ..., root)
    windows: dict[str, tuple[date, date]]  # effective inclusion window

    def share(self, descendant: str, ancestor: str) -> float:
        """The fraction of ``descendant`` that ``ancestor`` consolidates (0 if not below it)."""
        chain = self.ancestors[descendant]
        if ancestor not in chain:
            return 0.0
        share = 1.0
        for code in chain[: chain.index(ancestor)]:
            share *= self.links[code].share
        return share

    def path(self, descendant: str, ancestor: str) -> list[tuple[str, Link]]:
        """The links from ``descendant`` up to (not including) ``ancestor``."""
        chain = self.ancestors[descendant]
        return [(code, self.links[code]) for code in chain[: chain.index(ancestor)]]

    def closure(self) -> list[tuple[str, str, float]]:
        """Every (ancestor, descendant, share) pair, including each entity with itself."""
        out = []
        for code, chain in sorted(self.ancestors.items()):
            share = 1.0
            for i, anc in enumerate(chain):
                if i > 0:
                    share *= self.links[chain[i - 1]].share
                out.append((anc, code, share))
        return out

    def descendants(self, ancestor: str) -> list[str]:
        return sorted(c for c, chain in self.ancestors.items() if ancestor in chain)


def build_tree(entities: Sequence[Entity], boundary: Boundary) -> Tree:
    """Prepare ``entities`` for consolidation under ``boundary``; CalcError on a cycle."""
    if boundary not in BOUNDARIES:
        raise CalcError(
            f"unknown boundary {boundary!r}", hint=f"use one of: {', '.join(BOUNDARIES)}"
        )
    by_code = {e.code: e for e in entities}
    links: dict[str, Link] = {}
    ancestors: dict[str, tuple[str, ...]] = {}
    for code, entity in by_code.items():
        if entity.parent and entity.parent in by_code:
            links[code] = _link(entity, boundary)
        else:
            links[code] = Link(1.0, "reporting entity (root)")
        chain = [code]
        cur = entity
        while cur.parent and cur.parent in by_code:
            if cur.parent in chain:
                raise CalcError(f"entity tree has a cycle through {cur.parent!r}")
            cur = by_code[cur.parent]
            chain.append(cur.code)
        ancestors[code] = tuple(chain)
    return Tree(boundary, by_code, links, ancestors, inclusion_windows(by_code.values()))
