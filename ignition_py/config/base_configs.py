"""Base configs that distributions ship under the system config dir, merged under the
user's config in every stage: base.d/*, then base.platform.d/PLATFORM/*, each in name order."""

from __future__ import annotations

from pathlib import Path


def base_config_files(
    system_dir: Path, platform: str, *, platform_only: bool = False
) -> list[Path]:
    directory = (
        system_dir / "base.platform.d" / platform if platform_only else system_dir / "base.d"
    )
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file())
