"""Deterministic customer data generator: planted behavioural segments plus documented mess.

Same arguments, same bytes on any machine. See `.segments` for the planted segments, `.blob`
for the structureless alternative (`structure="blob"`), and `.mess` for every defect kind, its
variants and default rate;
`python -m customer_segmentation.datagen --help` for the command line.
"""

from customer_segmentation.datagen.customers import HEADER
from customer_segmentation.datagen.generator import generate_rows
from customer_segmentation.datagen.mess import DEFAULT_RATES, MESS_KINDS
from customer_segmentation.datagen.segments import SEGMENTS
from customer_segmentation.datagen.structures import STRUCTURE_NAMES
from customer_segmentation.datagen.writer import LABELS_HEADER, write_customers

__all__ = [
    "DEFAULT_RATES",
    "HEADER",
    "LABELS_HEADER",
    "MESS_KINDS",
    "SEGMENTS",
    "STRUCTURE_NAMES",
    "generate_rows",
    "write_customers",
]
