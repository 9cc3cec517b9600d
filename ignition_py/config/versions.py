"""Ignition spec versions: parsing, ordering and the set this implementation knows."""

from __future__ import annotations

import re

from ..frozen import frozen_model

_INT64_MAX = (1 << 63) - 1
_SEMVER = re.compile(
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(\+[0-9A-Za-z.-]+)?$"
)


@frozen_model
class Version:
    """A semantic version (spec versions: 3.4.0, 3.7.0-experimental), ordered as semver
    orders them; `parse` reads one as go-semver does."""

    major: int
    minor: int
    patch: int
    prerelease: str = ""
    build: str = ""

    def _order(self) -> tuple[int, int, int, bool, str]:
        # Semantic versioning: a pre-release comes before its release.
        return (self.major, self.minor, self.patch, not self.prerelease, self.prerelease)

    def __lt__(self, other: Version) -> bool:
        return self._order() < other._order()

    def __le__(self, other: Version) -> bool:
        return self._order() <= other._order()

    def __gt__(self, other: Version) -> bool:
        return self._order() > other._order()

    def __ge__(self, other: Version) -> bool:
        return self._order() >= other._order()

    @classmethod
    def parse(cls, text: str) -> Version | None:
        match = _SEMVER.match(text)
        if match is None:
            return None
        major, minor, patch, pre, build = match.groups()
        # go-semver reads each number with strconv.ParseInt(s, 10, 64).
        if any(len(n) > len(str(_INT64_MAX)) or int(n) > _INT64_MAX for n in (major, minor, patch)):
            return None
        return cls(int(major), int(minor), int(patch), pre or "", build or "")

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += f"-{self.prerelease}"
        return text + self.build

    @property
    def schema_name(self) -> str:
        """File stem of this version's schema, e.g. v3_6 or v3_7_experimental."""
        suffix = f"_{self.prerelease}" if self.prerelease else ""
        return f"v{self.major}_{self.minor}{suffix}"

    def at_least(self, other: Version) -> bool:
        """Compare by major.minor.patch only: 3.7.0-experimental counts as 3.7.0."""
        return (self.major, self.minor, self.patch) >= (other.major, other.minor, other.patch)


V3_0 = Version(3, 0, 0)
V3_1 = Version(3, 1, 0)
V3_2 = Version(3, 2, 0)
V3_3 = Version(3, 3, 0)
V3_4 = Version(3, 4, 0)
V3_5 = Version(3, 5, 0)
V3_6 = Version(3, 6, 0)
V3_7_EXPERIMENTAL = Version(3, 7, 0, "experimental")

KNOWN_VERSIONS: tuple[Version, ...] = (V3_0, V3_1, V3_2, V3_3, V3_4, V3_5, V3_6, V3_7_EXPERIMENTAL)
NEWEST_STABLE = V3_6
# Flatcar's older formats (config/legacy): spec 1 (`ignitionVersion: 1`) and 2.0.0-2.4.0.
SPEC_1 = Version(1, 0, 0)
LEGACY_2X: tuple[Version, ...] = tuple(Version(2, minor, 0) for minor in range(5))
NEWEST = V3_7_EXPERIMENTAL
