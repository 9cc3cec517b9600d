"""sgdisk's placement arithmetic, reproduced: largest free block, alignment, defaults."""

from __future__ import annotations

import pytest

from ignition_py.disks.gpt_layout import (
    Geometry,
    GptEntry,
    Layout,
    LayoutError,
    compute_alignment,
)

MIB = 2048  # sectors


def layout(*entries: tuple[int, int, int], total: int = 64 * MIB) -> Layout:
    return Layout(
        Geometry.fresh(512, total),
        {number: GptEntry(number, start, size) for number, start, size in entries},
    )


def test_fresh_geometry_matches_sgdisk() -> None:
    geometry = Geometry.fresh(512, 131072)
    assert (geometry.first_usable, geometry.last_usable) == (34, 131038)
    assert Geometry.fresh(4096, 16384).first_usable == 6


def test_default_start_is_aligned_start_of_largest_block() -> None:
    table = layout((1, 2 * MIB, 8 * MIB), (2, 20 * MIB, 4 * MIB))
    placed = table.create(GptEntry(0, 0, 0), None, None)
    assert placed.number == 3
    assert placed.start == 24 * MIB
    assert placed.end == table.geometry.last_usable


def test_largest_block_tie_takes_the_first() -> None:
    table = layout((1, 10 * MIB, 10 * MIB), total=20 * MIB + 20446 + 33)  # two blocks of 20446
    placed = table.create(GptEntry(0, 0, 0), None, 1 * MIB)
    assert placed.start == 1 * MIB  # first block [34, 10 MiB) rounds to 1 MiB


def test_explicit_start_and_size() -> None:
    table = layout()
    placed = table.create(GptEntry(5, 0, 0), 10 * MIB, 5 * MIB)
    assert (placed.number, placed.start, placed.size) == (5, 10 * MIB, 5 * MIB)


def test_unaligned_start_moves_back_when_free() -> None:
    table = layout()
    assert table.align(3000) == 2048


def test_unaligned_start_moves_forward_when_the_sectors_before_are_used() -> None:
    table = layout((1, 2048, 1000))
    assert table.align(3100) == 4096


def test_alignment_lowered_to_what_existing_partitions_use() -> None:
    geometry = Geometry.fresh(512, 64 * MIB)
    assert compute_alignment(geometry, []) == 2048
    assert compute_alignment(geometry, [GptEntry(1, 63, 100)]) == 1
    assert compute_alignment(geometry, [GptEntry(1, 2048, 10), GptEntry(2, 3072, 10)]) == 1024
    assert compute_alignment(Geometry.fresh(4096, 16384), []) == 256


def test_overlap_is_refused() -> None:
    table = layout((1, 2048, 8 * MIB))
    with pytest.raises(LayoutError, match="not free"):
        table.create(GptEntry(2, 0, 0), 4 * MIB, 4 * MIB)


def test_too_big_is_refused() -> None:
    with pytest.raises(LayoutError, match="no room"):
        layout().create(GptEntry(1, 0, 0), None, 100 * MIB)


def test_used_number_is_refused() -> None:
    table = layout((1, 2048, 2048))
    with pytest.raises(LayoutError, match="already exists"):
        table.create(GptEntry(1, 0, 0), None, 2048)


def test_default_end_is_the_end_of_the_largest_block_even_with_explicit_start() -> None:
    # as sgdisk computes `high` from the largest block, not from the given start
    table = layout((1, 30 * MIB, 2 * MIB))
    placed = table.create(GptEntry(2, 0, 0), 40 * MIB, None)
    assert placed.end == table.geometry.last_usable


def test_all_free_answers_as_asking_every_sector() -> None:
    import random

    chooser = random.Random(7)
    for _ in range(200):
        entries = []
        start = chooser.randrange(34, 400)
        for number in range(1, chooser.randrange(1, 5)):
            size = chooser.randrange(1, 300)
            entries.append((number, start, size))
            start += size + chooser.randrange(0, 200)
        table = layout(*entries, total=4 * MIB)
        for _ in range(20):
            first = chooser.randrange(0, 1600)
            stop = first + chooser.randrange(0, 300)
            expected = all(table.is_free(sector) for sector in range(first, stop))
            assert table.all_free(first, stop) == expected, (entries, first, stop)
