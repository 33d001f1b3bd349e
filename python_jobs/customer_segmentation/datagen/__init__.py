"""Deterministic customer data generator: planted behavioural segments plus documented mess.

Same arguments, same bytes on any machine. See `.segments` for the planted segments, `.blob`
for the structureless alternative (`structure="blob"`), and `.mess` for every defect kind, its
variants and default rate; `.order_lines` for the Online-Retail-style order-lines file of the
same customers (its defects in `.order_mess`);
`python -m customer_segmentation.datagen --help` for the command line.
"""

from customer_segmentation.datagen.customers import HEADER
from customer_segmentation.datagen.generator import generate_rows
from customer_segmentation.datagen.mess import DEFAULT_RATES, MESS_KINDS
from customer_segmentation.datagen.order_lines import (
    ORDER_LINES_HEADER,
    OrderLine,
    generate_order_lines,
    planted_customers,
    write_order_lines,
)
from customer_segmentation.datagen.order_mess import ORDER_LINE_KINDS, ORDER_LINE_RATES
from customer_segmentation.datagen.segments import SEGMENTS
from customer_segmentation.datagen.structures import STRUCTURE_NAMES
from customer_segmentation.datagen.writer import LABELS_HEADER, write_customers

__all__ = [
    "DEFAULT_RATES",
    "HEADER",
    "LABELS_HEADER",
    "MESS_KINDS",
    "ORDER_LINES_HEADER",
    "ORDER_LINE_KINDS",
    "ORDER_LINE_RATES",
    "SEGMENTS",
    "STRUCTURE_NAMES",
    "OrderLine",
    "generate_order_lines",
    "generate_rows",
    "planted_customers",
    "write_customers",
    "write_order_lines",
]
