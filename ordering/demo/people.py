"""Who eats at the demo restaurant, and what each of them orders.

Members behave in ways a model can learn: each has a cadence, a meal time
(weekday lunch or dinner), two to four favourite dishes, a drink habit and
usual choices; some explore the menu, some always take dessert, some bring
children, and about one in seven came regularly and then stopped. Walk-ins
order from the menu at large.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from ordering.demo.dishes import (
    DINNER,
    LUNCH,
    OPTIONAL_TASTES,
    REQUIRED_TASTES,
    DemoMenu,
    weighted,
)

MAX_LINES = 5

# Member kinds, as counts out of the 200 members.
STEADY = "steady"  # members from before the six months, still coming
CHURNED = "churned"  # came regularly, then stopped 5 to 12 weeks ago
JOINED = "joined"  # joined during the six months
RECENT = "recent"  # joined in the last month
MEMBER_KINDS = {STEADY: 130, CHURNED: 30, JOINED: 28, RECENT: 12}

CADENCES = {"weekly": 25, "biweekly": 30, "monthly": 30, "occasional": 15}

# Space-separated, so the lists stay readable at this length.
FI_FIRST = (
    "Aino Anna Antti Eero Eino Elina Ella Emilia Hanna Heikki Helmi Iida Ilona "
    "Janne Jari Jenni Johanna Joonas Jukka Kaisa Kari Katja Kerttu Kirsi Laura "
    "Lauri Leena Leevi Lotta Maija Marja Markku Matti Mikko Minna Noora Onni "
    "Oskari Otto Outi Päivi Pekka Petri Raili Riikka Saara Sami Sanna Satu Seppo "
    "Sofia Teemu Tiina Timo Tuomas Veera Ville Väinö Aleksi Eveliina"
)
FI_LAST = (
    "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen "
    "Koskinen Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi "
    "Heikkilä Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen "
    "Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen"
)
SV_FIRST = "Johan Elin Mikael Ebba Linnea Fredrik Henrik Ida Oscar Matilda Anders Karin"
SV_LAST = "Lindqvist Holmström Nyberg Sundström Lindholm Ekholm Björklund"
EN_FIRST = "Daniel Emma James Olivia Lucas Sarah"
EN_LAST = "Smith Murphy Brown Walker Novak Costa"
# (first names, last names, menu language, how many of the members)
NAME_POOLS = (
    (FI_FIRST, FI_LAST, "fi", 170),
    (SV_FIRST, SV_LAST, "sv", 20),
    (EN_FIRST, EN_LAST, "en", 10),
)

# Drink habits, weighted per meal time, and the drinks each one draws from.
DRINK_HABITS = {
    LUNCH: {"soft": 35, "none": 20, "lonkero": 10, "lager": 10, "wine": 8}
    | {"wine_with_fish": 10, "cider": 7},
    DINNER: {"lager": 25, "wine_with_fish": 20, "wine": 15, "lonkero": 15}
    | {"cider": 7, "soft": 12, "none": 6},
}
HABIT_DRINKS = {
    "soft": ["berry_juice", "sparkling_water", "beer_zero"],
    "lonkero": ["lonkero"],
    "lager": ["lapin_kulta", "karhu"],
    # Chablis is sold out now; its fans fall back on another wine.
    "wine": ["house_white", "riesling", "chablis", "house_red", "rioja", "cava"],
    "cider": ["cider"],
    "none": ["sparkling_water"],
}
ALCOHOLIC_HABITS = ("lonkero", "lager", "wine", "cider", "wine_with_fish")


@dataclass
class Profile:
    """One member's habits, fixed for the whole six months."""

    first_name: str
    email: str
    language: str
    kind: str
    cadence: str
    slot: str
    weekday: int
    favourites: list[str]
    drink_habit: str
    drink: str
    coffee: str | None
    tastes: dict[str, str]
    optional: dict[str, list[str]]
    explorer: bool
    dessert: str | None
    starter: str | None
    has_kids: bool
    vegetarian: bool
    first_day: datetime.date
    stop_day: datetime.date | None
    tried: set[str] = field(default_factory=set)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _names(rng: random.Random) -> list[tuple[str, str, str]]:
    """Return (first name, email, language) for every member, emails unique."""
    people, emails = [], set()
    for first_names, last_names, language, count in NAME_POOLS:
        firsts, lasts = first_names.split(), last_names.split()
        while count:
            first, last = rng.choice(firsts), rng.choice(lasts)
            email = f"{_ascii(first)}.{_ascii(last)}@example.com"
            if email in emails:
                continue
            emails.add(email)
            people.append((first, email, language))
            count -= 1
    rng.shuffle(people)
    return people


def _favourites(
    rng: random.Random, dm: DemoMenu, *, slot: str, vegetarian: bool
) -> list[str]:
    pool = dm.main_pool(slot=slot, vegetarian=vegetarian)
    chosen: list[str] = []
    for _ in range(rng.randint(2, 4)):
        left = {k: w for k, w in pool.items() if k not in chosen}
        if left:
            chosen.append(weighted(rng, left))
    return chosen


def _profile(
    rng: random.Random,
    dm: DemoMenu,
    *,
    person: tuple[str, str, str],
    kind: str,
    start: datetime.date,
    today: datetime.date,
) -> Profile:
    first_name, email, language = person
    if kind == CHURNED:
        cadence = rng.choice(["weekly", "biweekly"])
    elif kind == RECENT:
        cadence = rng.choice(["weekly", "biweekly", "monthly"])
    else:
        cadence = weighted(rng, CADENCES)
    slot = LUNCH if rng.random() < 0.45 else DINNER
    # Lunch guests come on workdays; dinner guests lean to Thursday-Saturday.
    weekday = rng.randint(0, 4) if slot == LUNCH else rng.choice([1, 2, 3, 3, 4, 4, 5])
    days = (today - start).days
    if kind in (STEADY, CHURNED):
        first_day = start + datetime.timedelta(days=rng.randint(0, 13))
    elif kind == JOINED:
        first_day = start + datetime.timedelta(days=rng.randint(21, days - 35))
    else:
        first_day = today - datetime.timedelta(days=rng.randint(2, 26))
    stop_day = None
    if kind == CHURNED:
        stop_day = today - datetime.timedelta(days=rng.randint(36, 84))
    vegetarian = rng.random() < 0.1
    habit = weighted(rng, DRINK_HABITS[slot])
    dessert_lover = rng.random() < 0.25
    starter_lover = rng.random() < 0.2
    return Profile(
        first_name=first_name,
        email=email,
        language=language if rng.random() < 0.9 else "en",
        kind=kind,
        cadence=cadence,
        slot=slot,
        weekday=weekday,
        favourites=_favourites(rng, dm, slot=slot, vegetarian=vegetarian),
        drink_habit=habit,
        drink=rng.choice(HABIT_DRINKS.get(habit, ["sparkling_water"])),
        coffee=rng.choices(["coffee", "cappuccino", "tea", None], [35, 15, 10, 40])[0],
        tastes={group: weighted(rng, w) for group, w in REQUIRED_TASTES.items()},
        optional={
            group: [weighted(rng, w)] if rng.random() < 0.35 else []
            for group, w in OPTIONAL_TASTES.items()
        },
        explorer=rng.random() < 0.25,
        dessert=rng.choice(dm.keys_in("desserts")) if dessert_lover else None,
        starter=rng.choice(dm.keys_in("starters")) if starter_lover else None,
        has_kids=rng.random() < 0.12,
        vegetarian=vegetarian,
        first_day=first_day,
        stop_day=stop_day,
    )


def profiles_make(
    rng: random.Random, dm: DemoMenu, *, start: datetime.date, today: datetime.date
) -> list[Profile]:
    """Return the members of the kinds in MEMBER_KINDS, their habits drawn."""
    kinds = [kind for kind, count in MEMBER_KINDS.items() for _ in range(count)]
    return [
        _profile(rng, dm, person=person, kind=kind, start=start, today=today)
        for person, kind in zip(_names(rng), kinds, strict=True)
    ]


def member_order(
    rng: random.Random,
    dm: DemoMenu,
    profile: Profile,
    *,
    slot: str,
    local_time: datetime.time,
    party_size: int,
) -> list[tuple[str, int]]:
    """Return (dish key, quantity) pairs in the order the member added them."""
    favourites = [k for k in profile.favourites if dm.orderable(k, local_time)]
    pool = list(dm.main_pool(slot=slot, vegetarian=profile.vegetarian))
    main = None
    if favourites and rng.random() < (0.45 if profile.explorer else 0.8):
        main = rng.choices(favourites, weights=[45, 30, 15, 10][: len(favourites)])[0]
    elif profile.explorer:
        untried = [k for k in pool if k not in profile.tried]
        main = dm.pick(rng, untried, local_time=local_time)
    main = (
        main
        or dm.pick(rng, pool, local_time=local_time)
        or dm.any_main(local_time=local_time)
    )
    profile.tried.add(main)
    wanted = [(main, 2 if party_size > 1 and rng.random() < 0.2 else 1)]

    drink: str | None = profile.drink
    if profile.drink_habit == "wine_with_fish":
        drink = "riesling" if dm.is_fish(main) else "house_red"
    elif profile.drink_habit == "none" and rng.random() > 0.15:
        drink = None
    if drink and not dm.orderable(drink, local_time):
        # Their usual is sold out: take another from the same shelf.
        drink = dm.pick(rng, dm.keys_in(dm.category[drink]), local_time=local_time)
    if drink and rng.random() < 0.85:
        social = profile.drink_habit in ALCOHOLIC_HABITS and party_size > 1
        wanted.append((drink, 2 if social and rng.random() < 0.3 else 1))

    if rng.random() < (0.65 if profile.dessert else 0.08):
        dessert = profile.dessert if rng.random() < 0.7 else None
        if not dessert or not dm.orderable(dessert, local_time):
            dessert = dm.pick(rng, dm.keys_in("desserts"), local_time=local_time)
        if dessert:
            wanted.append((dessert, 1))
    starter_rate = 0.03 if slot == LUNCH else (0.6 if profile.starter else 0.15)
    if rng.random() < starter_rate:
        starter = profile.starter if rng.random() < 0.6 else None
        starter = starter or dm.pick(rng, dm.keys_in("starters"), local_time=local_time)
        if starter:
            wanted.append((starter, 1))
    if profile.has_kids and rng.random() < 0.5:
        kids = dm.pick(rng, ["kids_meatballs", "kids_salmon"], local_time=local_time)
        if kids:
            wanted.append((kids, 1))
            wanted.append((rng.choice(["milk_glass", "berry_juice"]), 1))
    if profile.coffee and rng.random() < (0.7 if slot == LUNCH else 0.45):
        wanted.append((profile.coffee, 1))
    return wanted[:MAX_LINES]


def walk_in_order(
    rng: random.Random, dm: DemoMenu, *, slot: str, local_time: datetime.time
) -> list[tuple[str, int]]:
    """Return (dish key, quantity) pairs for a guest the restaurant does not know."""
    pool = list(dm.main_pool(slot=slot, vegetarian=False))
    main = dm.pick(rng, pool, local_time=local_time)
    wanted = [(main or dm.any_main(local_time=local_time), 1)]
    if rng.random() < 0.7:
        shelf = rng.choices(["drinks", "beers", "wines"], [40, 35, 25])[0]
        drink = dm.pick(rng, dm.keys_in(shelf), local_time=local_time)
        if drink:
            wanted.append((drink, 1))
    if slot == DINNER and rng.random() < 0.2:
        starter = dm.pick(rng, dm.keys_in("starters"), local_time=local_time)
        if starter:
            wanted.append((starter, 1))
    if rng.random() < 0.15:
        dessert = dm.pick(rng, dm.keys_in("desserts"), local_time=local_time)
        if dessert:
            wanted.append((dessert, 1))
    if rng.random() < 0.3:
        wanted.append((rng.choice(["coffee", "cappuccino"]), 1))
    return wanted[:MAX_LINES]
