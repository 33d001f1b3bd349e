"""Built-in reference data per country: given and family names, cities, spellings, e-mail domains.

Every name and city is initcap-stable (each word starts upper case, the rest is lower case, no
hyphens or particles), so `initcap(trim(x))` restores a value damaged by the mess; no value holds
an apostrophe, a double quote, a backslash or a comma.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Locale:
    """One country's reference data and its share of customers."""

    code: str
    name: str
    weight: int
    cities: tuple[str, ...]
    female_first_names: tuple[str, ...]
    male_first_names: tuple[str, ...]
    male_last_names: tuple[str, ...]
    female_last_names: tuple[str, ...]
    email_domains: tuple[str, ...]
    other_spellings: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    """Split a whitespace-separated list of single-word names."""
    return tuple(text.split())


def _cities(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of (possibly multi-word) city names."""
    return tuple(city.strip() for city in text.split(","))


GLOBAL_EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "hotmail.com",
    "proton.me",
)

_WESTERN_LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Jackson Martin Thompson White Harris Clark Lewis Walker Young Allen Hernandez Nguyen Kim"
)

_CZECH_LAST_NAMES = (
    ("Novák", "Nováková"),
    ("Svoboda", "Svobodová"),
    ("Novotný", "Novotná"),
    ("Dvořák", "Dvořáková"),
    ("Černý", "Černá"),
    ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"),
    ("Veselý", "Veselá"),
    ("Horák", "Horáková"),
    ("Němec", "Němcová"),
    ("Kovář", "Kovářová"),
    ("Pokorný", "Pokorná"),
    ("Růžička", "Růžičková"),
    ("Beneš", "Benešová"),
    ("Fiala", "Fialová"),
    ("Sedláček", "Sedláčková"),
    ("Doležal", "Doležalová"),
    ("Zeman", "Zemanová"),
    ("Kolář", "Kolářová"),
    ("Marek", "Marková"),
)


def _locale(
    code: str,
    name: str,
    weight: int,
    cities: str,
    female: str,
    male: str,
    last: str | tuple[tuple[str, str], ...],
    domains: tuple[str, ...],
    spellings: tuple[str, ...],
) -> Locale:
    """Build a Locale from compact name lists (last names: one list, or male/female pairs)."""
    if isinstance(last, str):
        male_last = female_last = _words(last)
    else:
        male_last = tuple(pair[0] for pair in last)
        female_last = tuple(pair[1] for pair in last)
    return Locale(
        code=code,
        name=name,
        weight=weight,
        cities=_cities(cities),
        female_first_names=_words(female),
        male_first_names=_words(male),
        male_last_names=male_last,
        female_last_names=female_last,
        email_domains=GLOBAL_EMAIL_DOMAINS + domains,
        other_spellings=spellings,
    )


LOCALES: tuple[Locale, ...] = (
    _locale(
        "US",
        "United States",
        25,
        "New York, Los Angeles, Chicago, Houston, Phoenix, Philadelphia, San Antonio, San Diego, "
        "Dallas, Austin, Seattle, Denver, Boston, Portland, Atlanta",
        "Emily Olivia Emma Ava Sophia Madison Abigail Chloe Grace Hannah Natalie Samantha Lauren "
        "Megan Rachel",
        "James Michael William David Joseph Daniel Matthew Andrew Joshua Christopher Ryan Tyler "
        "Brandon Kevin Jason",
        _WESTERN_LAST_NAMES,
        ("comcast.net", "aol.com"),
        (
            "US",
            "us",
            "USA",
            "usa",
            "U.S.",
            "U.S.A.",
            "united states",
            "UNITED STATES",
            "United States of America",
            "America",
        ),
    ),
    _locale(
        "GB",
        "United Kingdom",
        15,
        "London, Manchester, Birmingham, Leeds, Glasgow, Liverpool, Bristol, Sheffield, "
        "Edinburgh, Cardiff, Leicester, Nottingham, Newcastle",
        "Amelia Isla Poppy Jessica Sophie Charlotte Lucy Freya Evie Ella Harriet Imogen Eleanor "
        "Georgia Niamh",
        "Oliver Harry George Jack Charlie Thomas Alfie Oscar Archie Henry Edward Callum Rhys "
        "Liam Owen",
        "Smith Jones Taylor Brown Evans Wilson Roberts Wright Walker Robinson Thompson Hughes "
        "Edwards Green Hall Wood Harris Clarke Patel Khan",
        ("btinternet.com", "sky.com"),
        ("GB", "gb", "UK", "uk", "U.K.", "united kingdom", "Great Britain", "England"),
    ),
    _locale(
        "DE",
        "Germany",
        15,
        "Berlin, Hamburg, München, Köln, Frankfurt, Stuttgart, Düsseldorf, Leipzig, Dortmund, "
        "Essen, Bremen, Dresden, Hannover, Nürnberg",
        "Anna Lena Lea Marie Laura Julia Katharina Sabine Ursula Petra Jana Charlotte Emilia "
        "Johanna Greta Käthe",
        "Lukas Maximilian Felix Jonas Leon Paul Tobias Stefan Jürgen Jörg Uwe Matthias Florian "
        "Sebastian Björn",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
        "Bauer Richter Klein Wolf Schröder Neumann Zimmermann Krüger Hartmann Lange Köhler",
        ("gmx.de", "web.de", "t-online.de"),
        ("DE", "de", "DEU", "germany", "GERMANY", "Deutschland"),
    ),
    _locale(
        "FR",
        "France",
        12,
        "Paris, Marseille, Lyon, Toulouse, Nice, Nantes, Strasbourg, Montpellier, Bordeaux, "
        "Lille, Rennes, Reims, Toulon, Grenoble, Dijon, Angers, Nîmes",
        "Camille Léa Chloé Manon Inès Juliette Émilie Hélène Céline Margaux Amélie Louise Zoé "
        "Élodie Mathilde",
        "Lucas Hugo Louis Théo Nathan Julien Mathieu Antoine Clément Jérôme François Sébastien "
        "Benoît Étienne Rémi",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel Garcia Fournier Girard Bonnet Rousseau Mercier Faure Lemaître Chevalier",
        ("orange.fr", "free.fr", "laposte.net"),
        ("FR", "fr", "FRA", "france", "FRANCE"),
    ),
    _locale(
        "ES",
        "Spain",
        10,
        "Madrid, Barcelona, Valencia, Sevilla, Zaragoza, Málaga, Murcia, Palma, Bilbao, "
        "Alicante, Córdoba, Valladolid, Vigo, Gijón, Cádiz",
        "María Lucía Paula Sofía Carmen Marta Elena Laura Alba Nerea Inés Begoña Ainhoa Rocío "
        "Pilar",
        "José Antonio Manuel Francisco David Javier Daniel Carlos Jesús Alejandro Miguel Rafael "
        "Sergio Álvaro Íñigo",
        "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez "
        "Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres Domínguez Vázquez Ibáñez",
        ("telefonica.net",),
        ("ES", "es", "ESP", "spain", "SPAIN", "Espana"),
    ),
    _locale(
        "NL",
        "Netherlands",
        8,
        "Amsterdam, Rotterdam, Den Haag, Utrecht, Eindhoven, Groningen, Tilburg, Almere, Breda, "
        "Nijmegen, Haarlem, Arnhem, Leiden, Maastricht",
        "Emma Julia Sanne Femke Anouk Lotte Fleur Lieke Sophie Mila Noor Ilse Marieke Eva Saskia",
        "Daan Sem Lucas Bram Thijs Jeroen Sander Joost Niels Ruben Pieter Willem Koen Maarten "
        "Stijn",
        "Jansen Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer Dijkstra Kok "
        "Jacobs Vermeulen Bakker Hoekstra Kuipers Veenstra Maas",
        ("ziggo.nl", "kpnmail.nl"),
        ("NL", "nl", "NLD", "netherlands", "The Netherlands", "Holland"),
    ),
    _locale(
        "CZ",
        "Czechia",
        7,
        "Praha, Brno, Ostrava, Plzeň, Liberec, Olomouc, České Budějovice, Hradec Králové, "
        "Pardubice, Zlín, Kladno, Most, Opava, Jihlava",
        "Jana Eva Hana Lenka Kateřina Lucie Petra Veronika Tereza Markéta Zuzana Barbora Šárka "
        "Michaela Alžběta",
        "Jiří Jan Petr Josef Pavel Martin Tomáš Jaroslav Miroslav Lukáš Ondřej Vojtěch Radek "
        "Zdeněk Matěj",
        _CZECH_LAST_NAMES,
        ("seznam.cz", "email.cz", "centrum.cz"),
        ("CZ", "cz", "CZE", "Czech Republic", "czechia", "CZECHIA"),
    ),
    _locale(
        "DK",
        "Denmark",
        8,
        "København, Aarhus, Odense, Aalborg, Esbjerg, Randers, Kolding, Horsens, Vejle, "
        "Roskilde, Herning, Silkeborg, Næstved, Helsingør",
        "Sofie Ida Emma Freja Anne Mette Karen Line Louise Maja Astrid Signe Bodil Ingrid Kirsten",
        "Mads Rasmus Søren Jens Lars Mikkel Frederik Anders Niels Bjørn Magnus Kasper Henrik "
        "Thomas Jørgen",
        "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
        "Petersen Madsen Kristensen Olsen Thomsen Møller Østergaard Øberg Lund Holm Dahl Kjær "
        "Bækgaard",
        ("mail.dk", "jubii.dk"),
        ("DK", "dk", "DNK", "denmark", "DENMARK"),
    ),
)
