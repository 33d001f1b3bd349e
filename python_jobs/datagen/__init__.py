"""Deterministic customer data generator: planted behavioural segments plus documented mess.

Same arguments, same bytes on any machine. See `datagen.segments` for the planted segments and
`datagen.mess` for every defect kind, its variants and default rate; `python -m datagen --help`
for the command line.
"""

from datagen.customers import HEADER
from datagen.generator import generate_rows
from datagen.mess import DEFAULT_RATES, MESS_KINDS
from datagen.segments import SEGMENTS
from datagen.writer import LABELS_HEADER, write_customers

__all__ = [
    "DEFAULT_RATES",
    "HEADER",
    "LABELS_HEADER",
    "MESS_KINDS",
    "SEGMENTS",
    "generate_rows",
    "write_customers",
]
