"""esgledger: ESG data ledger, carbon-accounting engine and report builder."""

from esgledger.errors import EsgError

__version__ = "0.1.0"

__all__ = ["EsgError", "__version__"]
