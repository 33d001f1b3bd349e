"""Planted data-quality defects: the exact kinds, variants and default rates cleaning must handle.

Each row rolls every defect group once (one `random()` per group); within a group at most one
kind applies, so a row can carry several kinds from different groups. Rates are per written row
(duplicates: per customer) and are all multiplied by `mess_rate` (0 gives clean data).
Clean values: names and cities initcap-stable, gender `female`/`male`/`other`, country the English
name (`United States`, `United Kingdom`, `Germany`, `France`, `Spain`, `Netherlands`, `Czechia`,
`Denmark`), e-mails lower-case `local@domain.tld`, marketing_opt_in `true`/`false`, ages 18-85,
income 15,000-300,000, score 1-100, `signup_date <= last_order_date <= as_of`,
`total_items >= total_orders >= 1`.

| kind                  | rate  | what the row gets                                              |
|-----------------------|-------|----------------------------------------------------------------|
| duplicate_exact       | 1.5 % | a byte-identical second copy of the row, 1-25 rows later       |
| duplicate_stale       | 1.5 % | an older snapshot with the same customer_id: earlier           |
|                       |       | last_order_date, fewer orders, less spend, fewer items;        |
|                       |       | written before the newer row in half the cases and after it in |
|                       |       | the other half (1-25 rows apart); its other columns are clean  |
| gender_nonstandard    | 3 %   | female: F f Female FEMALE " f "; male: M m Male MALE " M ";    |
|                       |       | other: Other OTHER non-binary Non-binary; any gender: blank    |
|                       |       | ("") or unknown                                                |
| country_nonstandard   | 3 %   | ISO2 upper or lower (DE de), ISO3 (DEU), other names and cases |
|                       |       | (germany GERMANY Deutschland, USA usa U.S. U.S.A. America, UK  |
|                       |       | uk U.K. England, Holland, Czech Republic, Espana ...); in a    |
|                       |       | third of cases, and always for the clean name, padded with 1-2 |
|                       |       | spaces                                                         |
| birth_date_missing    | 2 %   | ""                                                             |
| birth_date_impossible | 1 %   | in 1850-1899, or 30-3650 days after as_of, or an age of 0-12   |
|                       |       | years at as_of                                                 |
| income_missing        | 2 %   | ""                                                             |
| income_negative       | 1 %   | the clean income negated (-54230.00)                           |
| income_absurd         | 1 %   | the clean income times 1000 (always > 10,000,000)              |
| orders_negative       | 1 %   | total_orders negated (-12); items and spend unchanged          |
| spend_without_orders  | 1 %   | total_orders 0 and total_items 0; total_spend kept (> 0)       |
| spend_negative        | 1 %   | total_spend negated (-1234.50)                                 |
| items_below_orders    | 1 %   | total_items drawn from 0 .. total_orders - 1                   |
| signup_in_future      | 1 %   | signup_date 31-730 days after as_of                            |
| last_order_in_future  | 0.5 % | last_order_date 31-730 days after as_of                        |
| email_malformed       | 2 %   | the @ dropped or made a dot (a.bgmail.com, a.b.gmail.com); a   |
|                       |       | second @ (a.b@@gmail.com, a.@b@gmail.com); a space inside the  |
|                       |       | local part or before the @ (a. b@gmail.com, a.b @gmail.com);   |
|                       |       | or the domain's dots removed (a.b@gmailcom)                    |
| email_mixed_case      | 2 %   | a valid address upper-cased (A.B@GMAIL.COM) or with its words  |
|                       |       | capitalised (A.B@Gmail.Com)                                    |
| opt_in_nonstandard    | 3 %   | true: yes Yes Y 1 TRUE True; false: no No N 0 FALSE False;     |
|                       |       | either: ""                                                     |
| name_untidy           | 3 %   | first_name, last_name and/or city (at least one) with 1-2      |
|                       |       | leading or trailing spaces, both-side spaces, upper case,      |
|                       |       | lower case, swapped case, or upper case plus a trailing space  |
| customer_id_missing   | 0.2 % | "" (never on a customer that has a duplicate row)              |
| score_out_of_range    | 1 %   | 0 (a quarter of cases) or 101-150                              |
| score_missing         | 1 %   | ""                                                             |

Groups (at most one kind each): purchases = orders_negative, spend_without_orders,
spend_negative, items_below_orders; income, birth_date, e-mail, score and future-date kinds.
last_order_in_future is rarer so the data's own as-of date (latest plausible order) stays right.
Rows with orders_negative, spend_without_orders, spend_negative, last_order_in_future,
customer_id_missing or duplicate_stale have no meaningful planted segment (labelled blank).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from customer_segmentation.datagen.customers import HEADER, Customer, format_money
from customer_segmentation.datagen.locales import LOCALES
from customer_segmentation.datagen.sampling import (
    below,
    between,
    pick_one,
    random_day,
    years_before,
)


@dataclass(frozen=True, slots=True)
class MessKind:
    """One kind of defect: its group (kinds of a group exclude each other) and default rate."""

    name: str
    group: str
    rate: float
    spoils_segment: bool = False


MESS_KINDS: tuple[MessKind, ...] = (
    MessKind("duplicate_exact", "duplicate", 0.015),
    MessKind("duplicate_stale", "duplicate", 0.015, spoils_segment=True),
    MessKind("gender_nonstandard", "gender", 0.03),
    MessKind("country_nonstandard", "country", 0.03),
    MessKind("birth_date_missing", "birth_date", 0.02),
    MessKind("birth_date_impossible", "birth_date", 0.01),
    MessKind("income_missing", "income", 0.02),
    MessKind("income_negative", "income", 0.01),
    MessKind("income_absurd", "income", 0.01),
    MessKind("orders_negative", "purchases", 0.01, spoils_segment=True),
    MessKind("spend_without_orders", "purchases", 0.01, spoils_segment=True),
    MessKind("spend_negative", "purchases", 0.01, spoils_segment=True),
    MessKind("items_below_orders", "purchases", 0.01),
    MessKind("signup_in_future", "future_dates", 0.01),
    MessKind("last_order_in_future", "future_dates", 0.005, spoils_segment=True),
    MessKind("email_malformed", "email", 0.02),
    MessKind("email_mixed_case", "email", 0.02),
    MessKind("opt_in_nonstandard", "opt_in", 0.03),
    MessKind("name_untidy", "names", 0.03),
    MessKind("customer_id_missing", "customer_id", 0.002, spoils_segment=True),
    MessKind("score_out_of_range", "score", 0.01),
    MessKind("score_missing", "score", 0.01),
)

DEFAULT_RATES: dict[str, float] = {kind.name: kind.rate for kind in MESS_KINDS}
KIND_ORDER: dict[str, int] = {kind.name: index for index, kind in enumerate(MESS_KINDS)}
SEGMENT_SPOILERS: frozenset[str] = frozenset(k.name for k in MESS_KINDS if k.spoils_segment)
ROW_GROUPS: tuple[str, ...] = tuple(
    dict.fromkeys(kind.group for kind in MESS_KINDS if kind.group != "duplicate")
)

_COLUMN = {name: index for index, name in enumerate(HEADER)}
_GENDER_VARIANTS = {
    "female": ("F", "f", "Female", "FEMALE", " f ", "", "unknown"),
    "male": ("M", "m", "Male", "MALE", " M ", "", "unknown"),
    "other": ("Other", "OTHER", "non-binary", "Non-binary", "", "unknown"),
}
_OPT_IN_VARIANTS = {
    True: ("yes", "Yes", "Y", "1", "TRUE", "True", ""),
    False: ("no", "No", "N", "0", "FALSE", "False", ""),
}
_COUNTRY_SPELLINGS = {locale.code: locale.other_spellings for locale in LOCALES}
_PADDINGS = ((" ", ""), ("", " "), (" ", " "), ("  ", ""), ("", "  "))


class MessPlan:
    """Scaled defect rates, rolled group by group with one `random()` per group and row."""

    __slots__ = ("_groups", "duplicate_exact", "duplicate_stale")

    def __init__(self, mess_rate: float = 1.0, rates: Mapping[str, float] | None = None) -> None:
        merged = dict(DEFAULT_RATES)
        unknown = set(rates or {}) - set(merged)
        if unknown:
            raise ValueError(f"unknown mess kinds: {sorted(unknown)}")
        merged.update(rates or {})
        if mess_rate < 0 or any(rate < 0 for rate in merged.values()):
            raise ValueError("mess rates must be non-negative")
        scaled = {name: rate * mess_rate for name, rate in merged.items()}
        groups: dict[str, list[tuple[str, float]]] = {}
        for kind in MESS_KINDS:
            groups.setdefault(kind.group, []).append((kind.name, scaled[kind.name]))
        for group, members in groups.items():
            if sum(rate for _, rate in members) > 1:
                raise ValueError(f"mess rates of group {group!r} add up to more than 1")
        self.duplicate_exact = scaled["duplicate_exact"]
        self.duplicate_stale = scaled["duplicate_stale"]
        self._groups = tuple(tuple(groups[group]) for group in ROW_GROUPS)

    def roll_duplicate(self, rng: Random) -> str | None:
        """Decide whether a customer gets a second row, and which kind."""
        draw = rng.random()
        if draw < self.duplicate_exact:
            return "duplicate_exact"
        if draw < self.duplicate_exact + self.duplicate_stale:
            return "duplicate_stale"
        return None

    def roll_row(self, rng: Random) -> list[str]:
        """Pick the defect kinds of one row (at most one per group), in MESS_KINDS order."""
        chosen = []
        for members in self._groups:
            draw = rng.random()
            threshold = 0.0
            for name, rate in members:
                threshold += rate
                if draw < threshold:
                    chosen.append(name)
                    break
        return sorted(chosen, key=KIND_ORDER.__getitem__)


def apply_mess(
    rng: Random, fields: list[str], customer: Customer, kinds: list[str], as_of: date
) -> None:
    """Damage the rendered fields in place with each of the given defect kinds."""
    for name in kinds:
        _APPLY[name](rng, fields, customer, as_of)


def _set(fields: list[str], column: str, value: str) -> None:
    """Overwrite one column of a rendered row."""
    fields[_COLUMN[column]] = value


def _future_day(rng: Random, as_of: date) -> date:
    """A day clearly after as_of (31-730 days), so it cannot pass for the latest real order."""
    return as_of + timedelta(days=between(rng, 31, 730))


def _gender(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Replace the clean gender by an abbreviation, other case, padding, blank or `unknown`."""
    _set(fields, "gender", pick_one(rng, _GENDER_VARIANTS[customer.gender]))


def _country(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Replace the country name by a code, abbreviation or other spelling, maybe padded."""
    spellings = _COUNTRY_SPELLINGS[customer.country_code]
    index = below(rng, len(spellings) + 1)
    value = spellings[index] if index < len(spellings) else customer.country
    if value == customer.country or rng.random() < 1 / 3:
        before, after = pick_one(rng, _PADDINGS)
        value = f"{before}{value}{after}"
    _set(fields, "country", value)


def _birth_missing(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Blank the birth date."""
    _set(fields, "birth_date", "")


def _birth_impossible(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Set a birth date before 1900, after as_of, or giving an age under 13."""
    variant = below(rng, 3)
    if variant == 0:
        birth = random_day(rng, date(1850, 1, 1), date(1899, 12, 31))
    elif variant == 1:
        birth = as_of + timedelta(days=between(rng, 30, 3650))
    else:
        birth = random_day(rng, years_before(as_of, 12), as_of - timedelta(days=365))
    _set(fields, "birth_date", birth.isoformat())


def _income_missing(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Blank the annual income."""
    _set(fields, "annual_income", "")


def _income_negative(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Negate the annual income."""
    _set(fields, "annual_income", format_money(-customer.annual_income_cents))


def _income_absurd(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Multiply the annual income by 1000 (three extra zeros typed)."""
    _set(fields, "annual_income", format_money(customer.annual_income_cents * 1000))


def _orders_negative(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Negate the order count."""
    _set(fields, "total_orders", str(-customer.total_orders))


def _spend_without_orders(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Zero the order and item counts while keeping the (positive) spend."""
    _set(fields, "total_orders", "0")
    _set(fields, "total_items", "0")


def _spend_negative(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Negate the total spend."""
    _set(fields, "total_spend", format_money(-customer.total_spend_cents))


def _items_below_orders(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Set fewer items than orders."""
    _set(fields, "total_items", str(below(rng, customer.total_orders)))


def _signup_future(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Move the signup date after as_of."""
    _set(fields, "signup_date", _future_day(rng, as_of).isoformat())


def _last_order_future(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Move the last order date after as_of."""
    _set(fields, "last_order_date", _future_day(rng, as_of).isoformat())


def _email_malformed(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Break the address: no @, two @, a space inside, or a domain without a dot."""
    local, domain = customer.email.split("@")
    variant = below(rng, 4)
    if variant == 0:
        value = f"{local}{pick_one(rng, ('', '.'))}{domain}"
    elif variant == 1:
        cut = between(rng, 1, len(local) - 1)
        value = pick_one(rng, (f"{local}@@{domain}", f"{local[:cut]}@{local[cut:]}@{domain}"))
    elif variant == 2:
        cut = between(rng, 1, len(local))
        value = f"{local[:cut]} {local[cut:]}@{domain}"
    else:
        value = f"{local}@{domain.replace('.', '')}"
    _set(fields, "email", value)


def _email_mixed_case(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Upper-case the address or capitalise its words; it stays valid once lower-cased."""
    if rng.random() < 0.5:
        value = customer.email.upper()
    else:
        value = "".join(
            char.upper() if index == 0 or customer.email[index - 1] in "._@" else char
            for index, char in enumerate(customer.email)
        )
    _set(fields, "email", value)


def _opt_in(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Spell the consent as yes/no, Y/N, 1/0, other-case true/false, or leave it blank."""
    _set(fields, "marketing_opt_in", pick_one(rng, _OPT_IN_VARIANTS[customer.marketing_opt_in]))


def _untrim(rng: Random, value: str) -> str:
    """Pad a name with spaces or change its case (always changes the value)."""
    variant = below(rng, 6)
    if variant == 0:
        return " " * between(rng, 1, 2) + value
    if variant == 1:
        return value + " " * between(rng, 1, 2)
    if variant == 2:
        return f" {value} "
    if variant == 3:
        return value.upper()
    if variant == 4:
        return value.lower()
    return value.swapcase() if rng.random() < 0.5 else value.upper() + " "


def _names(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Pad or re-case first_name, last_name and/or city (at least one of them)."""
    columns = [column for column in ("first_name", "last_name", "city") if rng.random() < 0.5]
    for column in columns or [pick_one(rng, ("first_name", "last_name", "city"))]:
        _set(fields, column, _untrim(rng, fields[_COLUMN[column]]))


def _customer_id_missing(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Blank the customer id."""
    _set(fields, "customer_id", "")


def _score_out_of_range(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Set the spending score to 0 or 101-150."""
    _set(fields, "spending_score", "0" if rng.random() < 0.25 else str(between(rng, 101, 150)))


def _score_missing(rng: Random, fields: list[str], customer: Customer, as_of: date) -> None:
    """Blank the spending score."""
    _set(fields, "spending_score", "")


_APPLY: dict[str, Callable[[Random, list[str], Customer, date], None]] = {
    "gender_nonstandard": _gender,
    "country_nonstandard": _country,
    "birth_date_missing": _birth_missing,
    "birth_date_impossible": _birth_impossible,
    "income_missing": _income_missing,
    "income_negative": _income_negative,
    "income_absurd": _income_absurd,
    "orders_negative": _orders_negative,
    "spend_without_orders": _spend_without_orders,
    "spend_negative": _spend_negative,
    "items_below_orders": _items_below_orders,
    "signup_in_future": _signup_future,
    "last_order_in_future": _last_order_future,
    "email_malformed": _email_malformed,
    "email_mixed_case": _email_mixed_case,
    "opt_in_nonstandard": _opt_in,
    "name_untidy": _names,
    "customer_id_missing": _customer_id_missing,
    "score_out_of_range": _score_out_of_range,
    "score_missing": _score_missing,
}
