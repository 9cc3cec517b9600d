"""The light frozen records that the model and the stage actions are made of."""

from __future__ import annotations

import pytest

from ignition_py.config.model import Config, File, Ignition
from ignition_py.frozen import FrozenInstanceError, field, fields_of, frozen_model, replace


@frozen_model
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=(), metadata={"key": "tags"})


def test_construction_by_keyword_and_position_with_defaults() -> None:
    assert Point(x=1) == Point(1, 0, ())
    assert Point(1, 2).y == 2


def test_required_and_unknown_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="missing arguments \\['x'\\]"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected arguments \\['z'\\]"):
        Point(x=1, z=2)  # type: ignore[call-arg]


def test_frozen() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.x


def test_equality_and_hash_by_value_and_class() -> None:
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert {Point(1), Point(1)} == {Point(1)}
    assert repr(Point(1)) == "Point(x=1, y=0, tags=())"


def test_fields_keep_declaration_order_and_metadata() -> None:
    assert [f.name for f in fields_of(Point)] == ["x", "y", "tags"]
    assert fields_of(Point(1))[2].metadata["key"] == "tags"


def test_replace() -> None:
    assert replace(Point(1, 2), y=5) == Point(1, 5)


def test_default_factory_gives_each_instance_its_own_value() -> None:
    first, second = Config(), Config()
    assert first.ignition == Ignition() and first.ignition is not second.ignition


def test_model_objects_are_frozen_records() -> None:
    file = File(path="/a", mode=0o644)
    assert replace(file, mode=0o600) == File(path="/a", mode=0o600)
    with pytest.raises(FrozenInstanceError):
        file.path = "/b"  # type: ignore[misc]


def test_a_record_keeps_its_own_repr() -> None:
    @frozen_model
    class Secretive:
        name: str
        key: str

        def __repr__(self) -> str:
            return f"Secretive({self.name!r}, key=<hidden>)"

    assert repr(Secretive("a", "k")) == "Secretive('a', key=<hidden>)"
    assert Secretive("a", "k") == Secretive("a", "k")
