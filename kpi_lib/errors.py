"""One small exception hierarchy for errors a consultant can act on.

Every error says, where known: which client, which file, which row and column (or config
key path), what was expected, what was found, and how to fix it. The CLI prints
``str(error)`` and exits 1; it never shows a traceback for a :class:`KpiError`.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


def did_you_mean(value: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The closest valid candidate for a misspelt ``value``, or None when nothing is close."""
    choices = [str(c) for c in candidates]
    match = difflib.get_close_matches(str(value), choices, n=1, cutoff=cutoff)
    if match:
        return match[0]
    # Case and separator slips ("GMV-Attainment" for "gmv_attainment") are common in YAML.
    folded = {c.lower().replace("-", "_").replace(" ", "_"): c for c in choices}
    return folded.get(str(value).lower().replace("-", "_").replace(" ", "_"))


class KpiError(Exception):
    """An error with the context a consultant needs to fix it."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        client: str | None = None,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        expected: str | None = None,
        found: object | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.client = client
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.key = key
        self.expected = expected
        self.found = found
        self.fix = fix

    def where(self) -> str:
        parts = []
        if self.client:
            parts.append(f"client {self.client}")
        if self.file:
            parts.append(f"file {self.file}")
        if self.key:
            parts.append(f"key {self.key}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        where = self.where()
        if where:
            text = f"{where}: {text}"
        if self.expected is not None:
            text += f" Expected: {self.expected}."
        if self.found is not None:
            text += f" Found: {self.found!r}."
        if self.fix:
            text += f" Fix: {self.fix}"
        return text

    def with_context(self, **context: object) -> "KpiError":
        """Fill in context that the raiser did not know (e.g. the client id)."""
        for name, value in context.items():
            if getattr(self, name, None) in (None, "") and value is not None:
                setattr(self, name, str(value) if name == "file" else value)
        return self

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "client": self.client,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "key": self.key,
            "expected": self.expected,
            "found": None if self.found is None else str(self.found),
            "fix": self.fix,
        }


class ConfigError(KpiError):
    """The client YAML is wrong: a misspelt key, a bad value, an unknown metric id..."""

    kind = "config"


class SourceError(KpiError):
    """A raw export cannot be read: encoding, layout, missing column, bad value..."""

    kind = "source"


class ContractError(KpiError):
    """A canonical table breaks its declared contract after loading."""

    kind = "contract"


class StageError(KpiError):
    """A stage (notebook run, export, batch unit) failed."""

    kind = "stage"


class KpiErrors(KpiError):
    """Several errors collected in one pass, so the consultant can fix them all at once."""

    def __init__(self, errors: list[KpiError], *, summary: str | None = None) -> None:
        self.errors = list(errors)
        super().__init__(summary or f"{len(self.errors)} problem(s) found")
        self.kind = self.errors[0].kind if self.errors else "error"

    def __str__(self) -> str:
        lines = [self.message + ":"]
        lines += [f"  {i}. {e}" for i, e in enumerate(self.errors, 1)]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "errors": [e.to_dict() for e in self.errors]}
