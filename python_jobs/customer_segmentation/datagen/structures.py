"""The population structures a file is drawn from: `planted` segments (default) or one `blob`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from customer_segmentation.datagen.blob import BLOB_SEGMENT, blob_profile, draw_blob_behaviour
from customer_segmentation.datagen.segments import (
    SEGMENT_TABLE,
    SEGMENTS,
    Behaviour,
    SegmentProfile,
    draw_behaviour,
)


@dataclass(frozen=True, slots=True)
class Structure:
    """How each customer's profile and purchase history are drawn, and how rows are labelled."""

    name: str
    segments: tuple[str, ...]
    pick_profile: Callable[[Random], SegmentProfile]
    draw_behaviour: Callable[[Random, SegmentProfile], Behaviour]
    label_spoiled_rows: bool


PLANTED = Structure(
    name="planted",
    segments=SEGMENTS,
    pick_profile=SEGMENT_TABLE.pick,
    draw_behaviour=draw_behaviour,
    label_spoiled_rows=False,
)
BLOB = Structure(
    name="blob",
    segments=(BLOB_SEGMENT,),
    pick_profile=blob_profile,
    draw_behaviour=draw_blob_behaviour,
    label_spoiled_rows=True,
)

STRUCTURES: dict[str, Structure] = {structure.name: structure for structure in (PLANTED, BLOB)}
STRUCTURE_NAMES: tuple[str, ...] = tuple(STRUCTURES)
DEFAULT_STRUCTURE = PLANTED.name


def structure_named(name: str) -> Structure:
    """Look a structure up by name; raise ValueError for an unknown one."""
    try:
        return STRUCTURES[name]
    except KeyError:
        raise ValueError(
            f"unknown structure {name!r}; choose one of {', '.join(STRUCTURE_NAMES)}"
        ) from None
