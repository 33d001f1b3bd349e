"""The product catalogue of the order-lines file: a fixed list of Online-Retail-style products.

The catalogue is the same for every seed: CATALOGUE_SIZE products, each a stock code (five
digits, some with a letter suffix: `85123A`, `71053`, `22423`), an upper-case description and a
list price in cents (the guest lines' price; planted customers' prices follow their spend, see
`.invoices`). Descriptions combine a style and an item; a noticeable share carry Latin-1 letters
(`CRÈME BRÛLÉE`, `JALAPEÑO`, `SMÖRGÅSBORD`, only characters Latin-1 can encode) and some a
comma (`CAKE STAND, 3 TIER`), so CSV quoting and file encodings are exercised.
NON_PRODUCTS are Online Retail's own non-product stock codes (postage, fees, manual lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from random import Random

from customer_segmentation.datagen.sampling import below, derive_rng, pick_one

CATALOGUE_SIZE = 320
CATALOGUE_SEED = 0


@dataclass(frozen=True, slots=True)
class Product:
    """One catalogue entry: stock code, description and list price in cents."""

    stock_code: str
    description: str
    price_cents: int


NON_PRODUCTS: tuple[Product, ...] = (
    Product("POST", "POSTAGE", 1_800),
    Product("DOT", "DOTCOM POSTAGE", 11_795),
    Product("M", "Manual", 295),
    Product("C2", "CARRIAGE", 5_000),
    Product("BANK CHARGES", "Bank Charges", 1_500),
    Product("AMAZONFEE", "AMAZON FEE", 1_237),
    Product("CRUK", "CRUK Commission", 1_658),
    Product("PADS", "PADS TO MATCH ALL CUSHIONS", 1),
    Product("D", "Discount", 2_700),
    Product("S", "SAMPLES", 1_000),
    Product("B", "Adjust bad debt", 11_062),
)
NON_PRODUCT_CODES: frozenset[str] = frozenset(product.stock_code for product in NON_PRODUCTS)

_STYLES: tuple[str, ...] = (
    "WHITE",
    "RED RETROSPOT",
    "PINK POLKADOT",
    "BLUE STRIPE",
    "VINTAGE",
    "REGENCY",
    "JUMBO",
    "ANTIQUE SILVER",
    "CREAM",
    "SPACEBOY",
    "DOLLY GIRL",
    "WOODLAND",
    "PAISLEY",
    "HEART OF WICKER",
    "ENGLISH ROSE",
    "CRÈME BRÛLÉE",
    "CAFÉ DE PARIS",
    "NOËL",
    "ÉTOILE",
    "FRANÇOISE",
    "SMÖRGÅSBORD",
    "MÜNCHEN",
    "SEÑORITA",
    "BELLE ÉPOQUE",
)
_ITEMS: tuple[str, ...] = (
    "HANGING HEART T-LIGHT HOLDER",
    "METAL LANTERN",
    "CAKE TINS",
    "TEACUP AND SAUCER",
    "LUNCH BAG",
    "PARTY BUNTING",
    "DOORMAT",
    "CHARLOTTE BAG",
    "ALARM CLOCK BAKELIKE",
    "JAM MAKING SET",
    "MUG",
    "CUSHION COVER",
    "PICNIC BASKET",
    "HOT WATER BOTTLE",
    "PAPER NAPKINS",
    "PAPER CHAIN KIT",
    "SPICE TINS",
    "TRINKET BOX",
    "PHOTO FRAME",
    "GIFT WRAP",
    "PILLAR CANDLE",
    "COAT RACK",
    "PÂTISSERIE TIN",
    "CAFETIÈRE",
    "CRÊPE PAN",
    "JALAPEÑO DISH",
    "MÜESLI BOWL",
    "CAKE STAND, 3 TIER",
    "APRON, ADULT",
    "PEG BAG, LINEN",
)
_PRICE_POINTS: tuple[int, ...] = (
    29,
    42,
    55,
    65,
    85,
    125,
    145,
    165,
    210,
    255,
    295,
    375,
    425,
    495,
    595,
    795,
    995,
    1_275,
    1_695,
)
_SUFFIX_LETTERS = "ABCDEFGLMNPSW"
_SUFFIX_SHARE = 5  # one stock code in five carries a letter suffix


def _stock_code(rng: Random) -> str:
    """Draw a five-digit stock code, with a letter suffix for one code in _SUFFIX_SHARE."""
    number = 20_000 + below(rng, 70_000)
    if below(rng, _SUFFIX_SHARE) == 0:
        return f"{number}{pick_one(rng, _SUFFIX_LETTERS)}"
    return str(number)


@lru_cache(maxsize=1)
def catalogue() -> tuple[Product, ...]:
    """The fixed catalogue: CATALOGUE_SIZE distinct products (the same for every seed)."""
    rng = derive_rng(CATALOGUE_SEED, "products")
    combinations = [(style, item) for item in _ITEMS for style in _STYLES]
    products: list[Product] = []
    codes: set[str] = set()
    descriptions: set[str] = set()
    while len(products) < CATALOGUE_SIZE:
        style, item = combinations[below(rng, len(combinations))]
        description = f"{style} {item}"
        code = _stock_code(rng)
        if description in descriptions or code in codes:
            continue
        descriptions.add(description)
        codes.add(code)
        products.append(Product(code, description, pick_one(rng, _PRICE_POINTS)))
    return tuple(products)
