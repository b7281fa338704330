"""Validation: checks of the model's parts against known theory, run by `orgsim validate`.

The registry (registry.py) holds the checks; a new check is a module with a `CHECK` registered below.
"""

from orgsim.validation import bass, cascade, hypotheses, published
from orgsim.validation.registry import CHECKS, SIZES, Check, CheckResult, Context, register, select

register(bass.CHECK)
register(cascade.CHECK)
register(published.CHECK)
register(hypotheses.CHECK)

__all__ = ["CHECKS", "SIZES", "Check", "CheckResult", "Context", "register", "select"]
