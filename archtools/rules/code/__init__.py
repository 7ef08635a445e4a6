"""The code rules: one module per rule, each naming its CodeRule `RULE`, and the one list the engine
runs (archtools/rules/file_pass.py). A new rule is a module here and one line in CODE_RULES."""

from __future__ import annotations

from archtools.rules.code import (
    client_boundary,
    error_leaks,
    model_types,
    public_env,
    secrets,
    strict_mode,
    supabase_session,
)
from archtools.rules.code.base import CodeContext, CodeRule, EnvFile, ModelNames, Resolver

CODE_RULES: tuple[CodeRule, ...] = (
    secrets.RULE,
    public_env.RULE,
    client_boundary.RULE,
    error_leaks.RULE,
    supabase_session.RULE,
    model_types.RULE,
    strict_mode.RULE,
)

__all__ = ["CODE_RULES", "CodeContext", "CodeRule", "EnvFile", "ModelNames", "Resolver"]
