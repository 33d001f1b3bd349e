"""One colour per segment id, the same in every chart of the report (and across builds)."""

from __future__ import annotations

from collections.abc import Iterable

# Matplotlib's tab10 (colour-blind-aware Tableau 10), in its usual order.
SEGMENT_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def segment_colours(segment_ids: Iterable[int]) -> dict[int, str]:
    """Map each segment id to its colour: by id (kept ids keep colours), never two alike.

    Segment ids are never reused, so colouring by id keeps a segment's colour from build to
    build; when two current ids fall on one colour (ids 10 apart) the later takes the next
    free one. More segments than colours cycle.
    """
    colours: dict[int, str] = {}
    for segment_id in sorted(set(segment_ids)):
        index = (segment_id - 1) % len(SEGMENT_COLOURS)
        if len(colours) < len(SEGMENT_COLOURS):
            while SEGMENT_COLOURS[index] in colours.values():
                index = (index + 1) % len(SEGMENT_COLOURS)
        colours[segment_id] = SEGMENT_COLOURS[index]
    return colours
