"""What a Butane translation found: errors and warnings on YAML paths, and yaml.v3's
unmarshal errors (fatal, placed by line and column; Butane names no path, we add it)."""

from __future__ import annotations

YamlPath = tuple[str | int, ...]


class Problem:
    """One problem: "error" or "warning", the YAML path, the message, whether it points
    at the key itself (unused keys) rather than the value, and a line when yaml.v3 gave
    only that, and the Butane step reporting it (sugar.shape.STEPS: "decode", "unused",
    "config", "validate", "translate", "filter"), which orders problems and decides where
    Butane stops; `unmarshal` marks yaml.v3's decoding errors."""

    __slots__ = (
        "at_key",
        "column",
        "line",
        "message",
        "path",
        "severity",
        "step",
        "unmarshal",
        "within",
    )

    def __init__(
        self,
        severity: str,
        path: YamlPath | None,
        message: str,
        at_key: bool = False,
        line: int | None = None,
        column: int | None = None,
        step: str = "validate",
        within: YamlPath | None = None,
    ) -> None:
        self.severity, self.path, self.message = severity, path, message
        self.at_key, self.line, self.column, self.step = at_key, line, column, step
        # the YAML node whose check reported it (an inline config's own problems have
        # paths inside that config)
        self.within = path if within is None else within
        self.unmarshal = False

    def __repr__(self) -> str:
        return f"Problem({self.severity}, {self.path}, {self.message!r}, line={self.line})"


class Problems:
    """The problems of one translation, in the order found."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, path: YamlPath, message: str, *, step: str = "validate") -> None:
        self.items.append(Problem("error", path, message, step=step))

    def warning(
        self, path: YamlPath, message: str, *, at_key: bool = False, step: str = "validate"
    ) -> None:
        self.items.append(Problem("warning", path, message, at_key, step=step))

    def unmarshal(self, line: int, column: int, message: str, path: YamlPath | None = None) -> None:
        """A yaml.v3 decoding error at the node's line and column, on its YAML path when
        known (Butane prints the line only)."""
        problem = Problem("error", path, message, line=line, column=column, step="decode")
        problem.unmarshal = True
        self.items.append(problem)

    @property
    def fatal(self) -> bool:
        return any(p.severity == "error" for p in self.items)

    @property
    def unmarshal_failed(self) -> bool:
        return any(p.unmarshal for p in self.items)
