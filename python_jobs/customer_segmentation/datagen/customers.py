"""One clean customer: drawn from a segment profile and a locale, rendered as 17 CSV fields."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from random import Random

from customer_segmentation.datagen.blob import BLOB_PROFILE
from customer_segmentation.datagen.locales import LOCALES, Locale
from customer_segmentation.datagen.sampling import (
    Weighted,
    below,
    between,
    pick_one,
    random_day,
    triangular_int,
    years_before,
)
from customer_segmentation.datagen.segments import CHANNELS, PROFILES
from customer_segmentation.datagen.structures import PLANTED, Structure

HEADER: tuple[str, ...] = (
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "gender",
    "birth_date",
    "country",
    "city",
    "signup_date",
    "annual_income",
    "spending_score",
    "total_orders",
    "total_items",
    "total_spend",
    "last_order_date",
    "preferred_channel",
    "marketing_opt_in",
)

GENDERS: tuple[str, ...] = ("female", "male", "other")
MIN_AGE_AT_SIGNUP = 16

_LOCALE_TABLE: Weighted[Locale] = Weighted(LOCALES, [locale.weight for locale in LOCALES])
_GENDER_TABLE: Weighted[str] = Weighted(GENDERS, [49, 48, 3])
_CHANNEL_TABLES: dict[str, Weighted[str]] = {
    profile.name: Weighted(CHANNELS, profile.channel_weights)
    for profile in (*PROFILES, BLOB_PROFILE)
}
_GLOBAL_DOMAIN_WEIGHTS: tuple[int, ...] = (30, 14, 10, 10, 8, 4)
_LOCAL_DOMAIN_WEIGHT = 12
_DOMAIN_TABLES: dict[str, Weighted[str]] = {
    locale.code: Weighted(
        locale.email_domains,
        _GLOBAL_DOMAIN_WEIGHTS
        + (_LOCAL_DOMAIN_WEIGHT,) * (len(locale.email_domains) - len(_GLOBAL_DOMAIN_WEIGHTS)),
    )
    for locale in LOCALES
}
_FOLDING: dict[int, str] = {
    ord(char): ascii_text
    for char, ascii_text in (("ø", "o"), ("Ø", "O"), ("æ", "ae"), ("Æ", "AE"), ("ß", "ss"))
}


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer's clean attributes (typed); `fields()` renders them as CSV text."""

    number: int
    segment: str
    first_name: str
    last_name: str
    email: str
    gender: str
    birth_date: date
    country_code: str
    country: str
    city: str
    signup_date: date
    annual_income_cents: int
    spending_score: int
    total_orders: int
    total_items: int
    total_spend_cents: int
    last_order_date: date
    preferred_channel: str
    marketing_opt_in: bool

    @property
    def customer_id(self) -> str:
        """The source system's id, `C` and seven (or more) digits."""
        return f"C{self.number:07d}"

    def fields(self) -> list[str]:
        """Render the customer as the 17 CSV fields in HEADER order."""
        return [
            self.customer_id,
            self.first_name,
            self.last_name,
            self.email,
            self.gender,
            self.birth_date.isoformat(),
            self.country,
            self.city,
            self.signup_date.isoformat(),
            format_money(self.annual_income_cents),
            str(self.spending_score),
            str(self.total_orders),
            str(self.total_items),
            format_money(self.total_spend_cents),
            self.last_order_date.isoformat(),
            self.preferred_channel,
            "true" if self.marketing_opt_in else "false",
        ]


def format_money(cents: int) -> str:
    """Format integer cents as a decimal with exactly two places (`-12.05`), no float rounding."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"


@lru_cache(maxsize=4096)
def ascii_fold(text: str) -> str:
    """Fold accented Latin letters to ASCII (`Kovář` -> `Kovar`, `Øberg` -> `Oberg`)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLDING))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _email(rng: Random, first: str, last: str, birth_year: int, locale: Locale) -> str:
    """Derive a plausible address from the names on one of the locale's common domains."""
    given = ascii_fold(first).lower()
    family = ascii_fold(last).lower()
    pattern = below(rng, 7)
    if pattern == 0:
        local = f"{given}.{family}"
    elif pattern == 1:
        local = f"{given}{family}{between(rng, 1, 99)}"
    elif pattern == 2:
        local = f"{given[0]}.{family}"
    elif pattern == 3:
        local = f"{given}_{family}{birth_year % 100:02d}"
    elif pattern == 4:
        local = f"{family}.{given}"
    elif pattern == 5:
        local = f"{given}.{family}{between(rng, 1, 999)}"
    else:
        local = f"{given[0]}{family}{birth_year}"
    return f"{local}@{_DOMAIN_TABLES[locale.code].pick(rng)}"


def build_customer(
    rng: Random, number: int, as_of: date, structure: Structure = PLANTED
) -> Customer:
    """Draw one clean customer of the structure's population, consistent in all its dates."""
    profile = structure.pick_profile(rng)
    locale = _LOCALE_TABLE.pick(rng)
    gender = _GENDER_TABLE.pick(rng)
    as_female = gender == "female" or (gender == "other" and rng.random() < 0.5)
    if as_female:
        first = pick_one(rng, locale.female_first_names)
        last = pick_one(rng, locale.female_last_names)
    else:
        first = pick_one(rng, locale.male_first_names)
        last = pick_one(rng, locale.male_last_names)
    city = pick_one(rng, locale.cities)
    behaviour = structure.draw_behaviour(rng, profile)
    last_order = as_of - timedelta(days=behaviour.recency_days)
    signup = as_of - timedelta(days=behaviour.tenure_days)
    age = triangular_int(rng, *profile.age)
    youngest = min(years_before(as_of, age), years_before(signup, MIN_AGE_AT_SIGNUP))
    birth = random_day(rng, youngest - timedelta(days=364), youngest)
    income_units = triangular_int(rng, *profile.income)
    income_cents = income_units * 100 + (below(rng, 100) if rng.random() < 0.3 else 0)
    return Customer(
        number=number,
        segment=profile.name,
        first_name=first,
        last_name=last,
        email=_email(rng, first, last, birth.year, locale),
        gender=gender,
        birth_date=birth,
        country_code=locale.code,
        country=locale.name,
        city=city,
        signup_date=signup,
        annual_income_cents=income_cents,
        spending_score=behaviour.spending_score,
        total_orders=behaviour.orders,
        total_items=behaviour.items,
        total_spend_cents=behaviour.spend_cents,
        last_order_date=last_order,
        preferred_channel=_CHANNEL_TABLES[profile.name].pick(rng),
        marketing_opt_in=below(rng, 100) < profile.opt_in_percent,
    )
