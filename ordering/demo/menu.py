"""Bistro Saaristo: the demo restaurant's content as plain data, no ORM.

Every text is a `{"fi", "sv", "en"}` dict. Prices are euro cents including
VAT, as printed on a Helsinki menu in 2026. The `key` of a group, modifier or
dish is this module's own handle for it (the history refers to dishes by it);
the database has no such column, so the seed finds rows by their Finnish name,
which is therefore unique within its kind here.
"""

import datetime
from typing import Any

# Finland from 2026: food and non-alcoholic drinks 13.5 %, alcohol 25.5 %.
FOOD_VAT_BP = 1350
ALCOHOL_VAT_BP = 2550

# Doors open 10:30 and close 22:00 every day; the history keeps visits inside.
OPENS_AT = datetime.time(10, 30)
CLOSES_AT = datetime.time(22, 0)
LUNCH_FROM = datetime.time(10, 30)
LUNCH_UNTIL = datetime.time(14, 0)

# Conventional as printed, but the check digit is deliberately wrong (the real
# one would be 1): the demo must not borrow a real company's business id.
RESTAURANT: dict[str, Any] = {
    "slug": "saaristo",
    "name": "Bistro Saaristo",
    "business_id": "1234567-8",
    "currency": "EUR",
    "timezone": "Europe/Helsinki",
    "languages": ["fi", "sv", "en"],
    "default_language": "fi",
    "vat_rates_bp": [FOOD_VAT_BP, ALCOHOL_VAT_BP],
}

# Table 7 is in the dining room: the seed prints a link to it.
AREAS: list[dict[str, Any]] = [
    {
        "name": "Sali",
        "tables": [
            ("1", 2),
            ("2", 2),
            ("3", 4),
            ("4", 4),
            ("5", 4),
            ("6", 6),
            ("7", 4),
            ("8", 8),
        ],
    },
    {"name": "Terassi", "tables": [("9", 2), ("10", 4), ("11", 4), ("12", 6)]},
]
LINK_TABLE_LABEL = "7"
# The terrace is furnished from May to September only.
TERRACE_AREA = "Terassi"
TERRACE_MONTHS = frozenset({5, 6, 7, 8, 9})


def _t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


# Every diet code a plain drink without milk qualifies for.
_PLAIN_DRINK = [
    "vegan",
    "vegetarian",
    "lactose_free",
    "gluten_free",
    "milk_free",
    "alcohol_free",
]
_PLANT_BASED = ["vegan", "vegetarian", "lactose_free", "gluten_free", "milk_free"]
_WINE = ["lactose_free", "gluten_free", "milk_free"]
_LAGER = ["vegan", "vegetarian", "lactose_free", "milk_free"]

MODIFIER_GROUPS: list[dict[str, Any]] = [
    {
        "key": "size",
        "name": _t("Koko", "Storlek", "Size"),
        "min_choices": 1,
        "max_choices": 1,
        "modifiers": [
            {
                "key": "regular",
                "name": _t("Normaali annos", "Normal portion", "Regular portion"),
                "price_delta_minor": 0,
                "is_default": True,
            },
            {
                "key": "small",
                "name": _t("Pieni annos", "Liten portion", "Small portion"),
                "price_delta_minor": -200,
            },
        ],
    },
    {
        "key": "side",
        "name": _t("Lisuke", "Tillbehör", "Side"),
        "min_choices": 1,
        "max_choices": 1,
        "modifiers": [
            {
                "key": "mash",
                "name": _t("Perunamuusi", "Potatismos", "Mashed potatoes"),
                "price_delta_minor": 0,
                "allergens": ["milk"],
                "is_default": True,
            },
            {
                "key": "fries",
                "name": _t("Ranskalaiset perunat", "Pommes frites", "French fries"),
                "price_delta_minor": 0,
            },
            {
                "key": "salad",
                "name": _t("Vihersalaatti", "Grönsallad", "Green salad"),
                "price_delta_minor": 0,
                # Dijon vinaigrette.
                "allergens": ["mustard"],
            },
        ],
    },
    {
        "key": "doneness",
        "name": _t("Kypsyys", "Stekning", "Doneness"),
        "min_choices": 1,
        "max_choices": 1,
        "modifiers": [
            {"key": "rare", "name": _t("Raaka", "Blodig", "Rare")},
            {
                "key": "medium_rare",
                "name": _t("Puoliraaka", "Medium rare", "Medium rare"),
            },
            {
                "key": "medium",
                "name": _t("Medium", "Medium", "Medium"),
                "is_default": True,
            },
            {"key": "well_done", "name": _t("Kypsä", "Välstekt", "Well done")},
        ],
    },
    {
        "key": "extras",
        "name": _t("Lisät", "Extra", "Extras"),
        "min_choices": 0,
        "max_choices": 3,
        "modifiers": [
            {
                "key": "cheese",
                "name": _t("Lisäjuusto", "Extra ost", "Extra cheese"),
                "price_delta_minor": 150,
                "allergens": ["milk"],
            },
            {
                "key": "bacon",
                "name": _t("Pekoni", "Bacon", "Bacon"),
                "price_delta_minor": 250,
            },
            {
                "key": "egg",
                "name": _t("Paistettu kananmuna", "Stekt ägg", "Fried egg"),
                "price_delta_minor": 200,
                "allergens": ["eggs"],
            },
            {
                "key": "mushrooms",
                "name": _t("Paahdetut sienet", "Rostad svamp", "Roasted mushrooms"),
                "price_delta_minor": 200,
            },
        ],
    },
    {
        "key": "dessert_addons",
        "name": _t("Lisä jälkiruokaan", "Till efterrätten", "Dessert add-ons"),
        "min_choices": 0,
        "max_choices": 2,
        "modifiers": [
            {
                "key": "ice_cream",
                "name": _t("Vaniljajäätelö", "Vaniljglass", "Vanilla ice cream"),
                "price_delta_minor": 300,
                "allergens": ["milk"],
            },
            {
                "key": "whipped_cream",
                "name": _t("Kermavaahto", "Vispgrädde", "Whipped cream"),
                "price_delta_minor": 150,
                "allergens": ["milk"],
            },
        ],
    },
    {
        "key": "milk",
        "name": _t("Maito", "Mjölk", "Milk"),
        "min_choices": 0,
        "max_choices": 1,
        "modifiers": [
            {
                "key": "cow",
                "name": _t("Maitoa", "Mjölk", "Milk"),
                "allergens": ["milk"],
            },
            {
                "key": "lactose_free",
                "name": _t(
                    "Laktoositonta maitoa", "Laktosfri mjölk", "Lactose-free milk"
                ),
                "allergens": ["milk"],
            },
            {
                "key": "oat",
                "name": _t("Kaurajuomaa", "Havredryck", "Oat drink"),
                "price_delta_minor": 50,
                # Oats are one of the cereals Annex II lists under gluten.
                "allergens": ["gluten"],
            },
        ],
    },
    {
        # One delta for every wine, because a modifier's price change is the
        # same on every dish that offers it; see the seed's report.
        "key": "wine_serving",
        "name": _t("Viiniannos", "Vinportion", "Wine serving"),
        "min_choices": 1,
        "max_choices": 1,
        "modifiers": [
            {"key": "12cl", "name": _t("12 cl", "12 cl", "12 cl"), "is_default": True},
            {
                "key": "16cl",
                "name": _t("16 cl", "16 cl", "16 cl"),
                "price_delta_minor": 350,
            },
            {
                "key": "bottle",
                "name": _t("75 cl pullo", "75 cl flaska", "75 cl bottle"),
                "price_delta_minor": 4500,
            },
        ],
    },
    {
        "key": "beer_size",
        "name": _t("Oluen koko", "Ölets storlek", "Beer size"),
        "min_choices": 1,
        "max_choices": 1,
        "modifiers": [
            {"key": "04", "name": _t("0,4 l", "0,4 l", "0.4 l"), "is_default": True},
            {
                "key": "05",
                "name": _t("0,5 l", "0,5 l", "0.5 l"),
                "price_delta_minor": 200,
            },
        ],
    },
]

# `defaults` fill in what an item leaves out.
CATEGORIES: list[dict[str, Any]] = [
    {
        "key": "lunch",
        "name": _t("Lounas", "Lunch", "Lunch"),
        "available_from": LUNCH_FROM,
        "available_until": LUNCH_UNTIL,
        "defaults": {"station": "hot", "course": 2, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "pea_soup",
                "name": _t(
                    "Hernekeitto ja pannukakku",
                    "Ärtsoppa och pannkaka",
                    "Pea soup and oven pancake",
                ),
                "description": _t(
                    "Perinteinen hernekeitto sinapin kera, jälkiruoaksi "
                    "pannukakkua ja mansikkahilloa.",
                    "Traditionell ärtsoppa med senap, och ugnspannkaka med "
                    "jordgubbssylt till efterrätt.",
                    "Traditional pea and pork soup with mustard, followed by oven "
                    "pancake with strawberry jam.",
                ),
                "price_minor": 1390,
                "allergens": ["eggs", "gluten", "milk", "mustard"],
                "diets": [],
                "groups": ["size"],
            },
            {
                "key": "cabbage_casserole",
                "name": _t(
                    "Kaalilaatikko ja puolukkahillo",
                    "Kållåda med lingonsylt",
                    "Cabbage casserole with lingonberry jam",
                ),
                "description": _t(
                    "Uunissa haudutettu kaalilaatikko naudan jauhelihasta, "
                    "riisistä ja siirapista.",
                    "Ugnsbakad kållåda med nötfärs, ris och sirap.",
                    "Oven-baked casserole of cabbage, minced beef, rice and syrup.",
                ),
                "price_minor": 1350,
                "allergens": [],
                "diets": ["lactose_free", "gluten_free", "milk_free"],
                "groups": ["size"],
            },
            {
                "key": "salmon_bake",
                "name": _t("Lohilaatikko", "Laxlåda", "Salmon and potato bake"),
                "description": _t(
                    "Kermainen lohi-perunavuoka tillillä ja sulatetulla voilla.",
                    "Krämig lax- och potatislåda med dill och smält smör.",
                    "Creamy salmon and potato bake with dill and melted butter.",
                ),
                "price_minor": 1450,
                "allergens": ["eggs", "fish", "milk"],
                "diets": ["gluten_free"],
                "groups": ["size"],
            },
            {
                "key": "spinach_pancakes",
                "name": _t(
                    "Pinaattiletut ja puolukkasurvos",
                    "Spenatplättar med rårörda lingon",
                    "Spinach pancakes with lingonberries",
                ),
                "description": _t(
                    "Pinaattilettuja, puolukkasurvosta ja raikas kaalisalaatti.",
                    "Spenatplättar med rårörda lingon och frisk kålsallad.",
                    "Spinach pancakes with crushed lingonberries and a fresh "
                    "cabbage salad.",
                ),
                "price_minor": 1290,
                "allergens": ["eggs", "gluten", "milk"],
                "diets": ["vegetarian"],
                "groups": ["size"],
            },
        ],
    },
    {
        "key": "starters",
        "name": _t("Alkuruoat", "Förrätter", "Starters"),
        "defaults": {"station": "cold", "course": 1, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "karelian_pies",
                "name": _t(
                    "Karjalanpiirakat ja munavoi",
                    "Karelska piroger med äggsmör",
                    "Karelian pies with egg butter",
                ),
                "description": _t(
                    "Kaksi uunituoretta riisipiirakkaa ruiskuorella, päällä munavoita.",
                    "Två ugnsfärska risfyllda piroger med rågskal, toppade med "
                    "äggsmör.",
                    "Two oven-fresh rye-crust pies filled with rice porridge, "
                    "topped with egg butter.",
                ),
                "price_minor": 890,
                "allergens": ["eggs", "gluten", "milk"],
                "diets": ["vegetarian"],
            },
            {
                "key": "gravlax",
                "name": _t(
                    "Graavilohi ja hovimestarinkastike",
                    "Gravad lax med hovmästarsås",
                    "Gravlax with mustard and dill sauce",
                ),
                "description": _t(
                    "Talon graavaamaa lohta, hovimestarinkastiketta ja ruisleipää.",
                    "Husets gravade lax med hovmästarsås och rågbröd.",
                    "House-cured salmon with sweet mustard and dill sauce and rye "
                    "bread.",
                ),
                "price_minor": 1550,
                "allergens": ["fish", "gluten", "mustard"],
                "diets": ["lactose_free", "milk_free"],
            },
            {
                "key": "toast_skagen",
                "name": _t("Toast Skagen", "Toast Skagen", "Toast Skagen"),
                "description": _t(
                    "Voissa paistettu paahtoleipä, katkarapuja tillimajoneesissa, "
                    "siianmätiä ja tilliä.",
                    "Smörstekt toast med räkröra, sikrom och dill.",
                    "Butter-fried toast with prawns in dill mayonnaise, whitefish "
                    "roe and dill.",
                ),
                "price_minor": 1690,
                "allergens": [
                    "crustaceans",
                    "eggs",
                    "fish",
                    "gluten",
                    "milk",
                    "mustard",
                ],
                "diets": [],
            },
            {
                "key": "beet_salad",
                "name": _t(
                    "Punajuuri-vuohenjuustosalaatti",
                    "Rödbetssallad med getost",
                    "Beetroot and goat's cheese salad",
                ),
                "description": _t(
                    "Paahdettua punajuurta, vuohenjuustoa, saksanpähkinöitä ja "
                    "hunajavinegrettiä.",
                    "Rostade rödbetor, getost, valnötter och honungsvinägrett.",
                    "Roasted beetroot, goat's cheese, walnuts and honey vinaigrette.",
                ),
                "price_minor": 1390,
                "allergens": ["milk", "mustard", "nuts"],
                "diets": ["vegetarian", "gluten_free"],
            },
            {
                "key": "smoked_reindeer",
                "name": _t(
                    "Savuporo ja piparjuurikreemi",
                    "Rökt ren med pepparrotskräm",
                    "Smoked reindeer with horseradish cream",
                ),
                "description": _t(
                    "Ohueksi leikattua savuporoa, piparjuurikreemiä, puolukkaa ja "
                    "marinoitua punasipulia.",
                    "Tunt skivad rökt ren med pepparrotskräm, lingon och picklad "
                    "rödlök.",
                    "Thinly sliced smoked reindeer with horseradish cream, "
                    "lingonberries and pickled red onion.",
                ),
                "price_minor": 1650,
                "allergens": ["milk"],
                "diets": ["gluten_free"],
            },
        ],
    },
    {
        "key": "soups",
        "name": _t("Keitot", "Soppor", "Soups"),
        # Served as a meal in Finland, so soups come with the mains.
        "defaults": {"station": "hot", "course": 2, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "salmon_soup",
                "name": _t("Lohikeitto", "Laxsoppa", "Creamy salmon soup"),
                "description": _t(
                    "Kermainen lohikeitto perunalla, porkkanalla, purjolla ja "
                    "tillillä.",
                    "Krämig laxsoppa med potatis, morot, purjolök och dill.",
                    "Creamy salmon soup with potatoes, carrot, leek and dill.",
                ),
                "price_minor": 1850,
                "allergens": ["fish", "milk"],
                "diets": ["lactose_free", "gluten_free"],
                "groups": ["size"],
            },
            {
                "key": "chanterelle_soup",
                "name": _t("Kantarellikeitto", "Kantarellsoppa", "Chanterelle soup"),
                "description": _t(
                    "Samettinen keitto suomalaisista kantarelleista, tilliöljyä.",
                    "Len soppa på finska kantareller med dillolja.",
                    "Velvety soup of Finnish chanterelles with dill oil.",
                ),
                "price_minor": 1590,
                "allergens": ["celery", "milk"],
                "diets": ["vegetarian", "lactose_free", "gluten_free"],
                "groups": ["size"],
            },
            {
                "key": "sweet_potato_soup",
                "name": _t(
                    "Paahdettu bataattikeitto",
                    "Rostad sötpotatissoppa",
                    "Roasted sweet potato soup",
                ),
                "description": _t(
                    "Bataattia, inkivääriä ja kookosmaitoa, päällä paahdettuja "
                    "kurpitsansiemeniä.",
                    "Sötpotatis, ingefära och kokosmjölk, toppad med rostade "
                    "pumpafrön.",
                    "Sweet potato, ginger and coconut milk, topped with toasted "
                    "pumpkin seeds.",
                ),
                "price_minor": 1390,
                "allergens": [],
                "diets": _PLANT_BASED,
                "groups": ["size"],
            },
        ],
    },
    {
        "key": "mains",
        "name": _t("Pääruoat", "Huvudrätter", "Main courses"),
        "defaults": {"station": "hot", "course": 2, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "fried_herring",
                "name": _t(
                    "Silakkapihvit", "Strömmingsflundror", "Fried Baltic herring"
                ),
                "description": _t(
                    "Ruisjauhoissa ja voissa paistetut silakkapihvit, tillivoita "
                    "ja puolukkaa. Valitse lisuke.",
                    "Strömmingsflundror stekta i rågmjöl och smör, med dillsmör "
                    "och lingon. Välj tillbehör.",
                    "Baltic herring fillets fried in rye flour and butter, with "
                    "dill butter and lingonberries. Choose a side.",
                ),
                "price_minor": 2250,
                "allergens": ["fish", "gluten", "milk"],
                "diets": [],
                "groups": ["side"],
            },
            {
                "key": "reindeer",
                "name": _t("Poronkäristys", "Renskav", "Sautéed reindeer"),
                "description": _t(
                    "Voissa haudutettua poroa, perunamuusia, puolukkaa ja "
                    "suolakurkkua.",
                    "Renskav stuvad i smör, med potatismos, lingon och saltgurka.",
                    "Thinly sliced reindeer braised in butter, with mashed "
                    "potatoes, lingonberries and pickled cucumber.",
                ),
                "price_minor": 3350,
                "allergens": ["milk"],
                "diets": ["lactose_free", "gluten_free"],
            },
            {
                "key": "pikeperch",
                "name": _t("Paistettu kuha", "Stekt gös", "Pan-fried pikeperch"),
                "description": _t(
                    "Kuhaa, valkoviinivoikastiketta ja paahdettua fenkolia. "
                    "Valitse lisuke.",
                    "Gös med vitvinssmörsås och rostad fänkål. Välj tillbehör.",
                    "Pikeperch with white wine butter sauce and roasted fennel. "
                    "Choose a side.",
                ),
                "price_minor": 3190,
                "allergens": ["fish", "milk", "sulphites"],
                "diets": ["gluten_free"],
                "groups": ["side"],
            },
            {
                "key": "sirloin",
                "name": _t(
                    "Härän ulkofilepihvi", "Ytterfilé av nöt", "Beef sirloin steak"
                ),
                "description": _t(
                    "Kotimaista härän ulkofilettä, pippurikastiketta ja paahdettuja "
                    "kasviksia. Valitse kypsyys ja lisuke.",
                    "Inhemsk ytterfilé av nöt med pepparsås och rostade grönsaker. "
                    "Välj stekgrad och tillbehör.",
                    "Finnish beef sirloin with pepper sauce and roasted "
                    "vegetables. Choose doneness and a side.",
                ),
                "price_minor": 3850,
                "allergens": ["celery", "milk", "sulphites"],
                "diets": ["gluten_free"],
                "groups": ["doneness", "side"],
            },
            {
                "key": "burger",
                "name": _t("Saaristoburgeri", "Skärgårdsburgare", "Saaristo burger"),
                "description": _t(
                    "Naudanlihapihvi briossisämpylässä, cheddaria, suolakurkkua, "
                    "punasipulihilloa ja majoneesia. Ranskalaiset perunat.",
                    "Nötköttsbiff i briochebröd med cheddar, saltgurka, "
                    "rödlöksmarmelad och majonnäs. Pommes frites.",
                    "Beef patty in a brioche bun with cheddar, pickles, red onion "
                    "jam and mayonnaise. French fries.",
                ),
                "price_minor": 2390,
                "allergens": ["eggs", "gluten", "milk", "mustard", "sesame"],
                "diets": [],
                "groups": ["doneness", "extras"],
            },
            {
                "key": "meatballs",
                "name": _t(
                    "Lihapullat ja kermakastike",
                    "Köttbullar med gräddsås",
                    "Meatballs in cream sauce",
                ),
                "description": _t(
                    "Kotitekoisia lihapullia, kermakastiketta, puolukkaa ja "
                    "suolakurkkua. Valitse lisuke.",
                    "Hemgjorda köttbullar med gräddsås, lingon och saltgurka. "
                    "Välj tillbehör.",
                    "Homemade meatballs with cream sauce, lingonberries and "
                    "pickled cucumber. Choose a side.",
                ),
                "price_minor": 2250,
                "allergens": ["eggs", "gluten", "milk"],
                "diets": [],
                "groups": ["side"],
            },
            {
                "key": "barley_risotto",
                "name": _t(
                    "Ohrarisotto ja metsäsienet",
                    "Korngrynsrisotto med skogssvamp",
                    "Pearl barley risotto with wild mushrooms",
                ),
                "description": _t(
                    "Ohrasuurimoita, suppilovahveroita, herkkutatteja ja parmesaania.",
                    "Korngryn med trattkantareller, karljohansvamp och parmesan.",
                    "Pearl barley with funnel chanterelles, porcini and parmesan.",
                ),
                "price_minor": 2450,
                "allergens": ["celery", "gluten", "milk", "sulphites"],
                "diets": ["vegetarian"],
                "groups": ["extras"],
            },
            {
                "key": "cauliflower",
                "name": _t(
                    "Paahdettu kukkakaali ja hummus",
                    "Rostad blomkål med hummus",
                    "Roasted cauliflower with hummus",
                ),
                "description": _t(
                    "Kokonaisena paahdettu kukkakaali, hummusta, granaattiomenaa "
                    "ja paahdettuja manteleita.",
                    "Helrostad blomkål med hummus, granatäpple och rostad mandel.",
                    "Whole roasted cauliflower with hummus, pomegranate and "
                    "toasted almonds.",
                ),
                "price_minor": 2290,
                "allergens": ["nuts", "sesame"],
                "diets": _PLANT_BASED,
            },
        ],
    },
    {
        "key": "kids",
        "name": _t("Lasten ruoat", "Barnens meny", "Kids' menu"),
        "defaults": {"station": "hot", "course": 2, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "kids_meatballs",
                "name": _t(
                    "Lasten lihapullat ja perunamuusi",
                    "Köttbullar med potatismos för barn",
                    "Kids' meatballs with mashed potatoes",
                ),
                "description": _t(
                    "Pieni annos lihapullia, perunamuusia ja puolukkaa.",
                    "Liten portion köttbullar med potatismos och lingon.",
                    "A small plate of meatballs with mashed potatoes and "
                    "lingonberries.",
                ),
                "price_minor": 1090,
                "allergens": ["eggs", "gluten", "milk"],
                "diets": [],
            },
            {
                "key": "kids_salmon",
                "name": _t(
                    "Lasten lohi ja perunat",
                    "Lax med potatis för barn",
                    "Kids' salmon with potatoes",
                ),
                "description": _t(
                    "Uunilohta, keitettyjä perunoita ja kurkkutikkuja.",
                    "Ugnsbakad lax med kokt potatis och gurkstavar.",
                    "Oven-baked salmon with boiled potatoes and cucumber sticks.",
                ),
                "price_minor": 1190,
                "allergens": ["fish"],
                "diets": ["lactose_free", "gluten_free", "milk_free"],
            },
            {
                "key": "kids_ice_cream",
                "name": _t(
                    "Lasten jäätelö ja mansikat",
                    "Glass med jordgubbar för barn",
                    "Kids' ice cream with strawberries",
                ),
                "description": _t(
                    "Pallo vaniljajäätelöä ja tuoreita mansikoita.",
                    "En kula vaniljglass med färska jordgubbar.",
                    "A scoop of vanilla ice cream with fresh strawberries.",
                ),
                "price_minor": 550,
                "allergens": ["milk"],
                "diets": ["vegetarian", "gluten_free"],
                "station": "pastry",
                "course": 3,
            },
        ],
    },
    {
        "key": "desserts",
        "name": _t("Jälkiruoat", "Efterrätter", "Desserts"),
        "defaults": {"station": "pastry", "course": 3, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "squeaky_cheese",
                "name": _t(
                    "Leipäjuusto ja lakkahillo",
                    "Brödost med hjortronsylt",
                    "Finnish squeaky cheese with cloudberry jam",
                ),
                "description": _t(
                    "Lämmitettyä leipäjuustoa ja lappilaista lakkahilloa.",
                    "Varm brödost med hjortronsylt från Lappland.",
                    "Warm baked Finnish cheese with Lapland cloudberry jam.",
                ),
                "price_minor": 1250,
                "allergens": ["milk"],
                "diets": ["vegetarian", "gluten_free"],
                "groups": ["dessert_addons"],
            },
            {
                "key": "blueberry_pie",
                "name": _t(
                    "Mustikkapiirakka ja vaniljakastike",
                    "Blåbärspaj med vaniljsås",
                    "Blueberry pie with vanilla sauce",
                ),
                "description": _t(
                    "Metsämustikoista leivottu piirakka ja vaniljakastiketta.",
                    "Paj på skogsblåbär med vaniljsås.",
                    "Wild blueberry pie with vanilla sauce.",
                ),
                "price_minor": 990,
                "allergens": ["eggs", "gluten", "milk"],
                "diets": ["vegetarian"],
                "groups": ["dessert_addons"],
            },
            {
                "key": "chocolate_cake",
                "name": _t(
                    "Lämmin suklaakakku ja vadelmat",
                    "Varm chokladkaka med hallon",
                    "Warm chocolate cake with raspberries",
                ),
                "description": _t(
                    "Jauhoton suklaakakku ja tuoreita vadelmia.",
                    "Mjölfri chokladkaka med färska hallon.",
                    "Flourless chocolate cake with fresh raspberries.",
                ),
                "price_minor": 1150,
                # Soy lecithin in the chocolate.
                "allergens": ["eggs", "milk", "soybeans"],
                "diets": ["vegetarian", "gluten_free"],
                "groups": ["dessert_addons"],
            },
            {
                "key": "sorbet",
                "name": _t("Mansikkasorbetti", "Jordgubbssorbet", "Strawberry sorbet"),
                "description": _t(
                    "Kaksi palloa kotimaisista mansikoista tehtyä sorbettia.",
                    "Två kulor sorbet på inhemska jordgubbar.",
                    "Two scoops of sorbet made from Finnish strawberries.",
                ),
                "price_minor": 850,
                "allergens": [],
                "diets": _PLANT_BASED,
            },
            {
                "key": "mammi",
                "name": _t(
                    "Mämmi, kerma ja sokeri",
                    "Memma med grädde och socker",
                    "Mämmi with cream and sugar",
                ),
                "description": _t(
                    "Pääsiäisen perinneherkku maltaista ja ruisjauhoista.",
                    "Påskens traditionella efterrätt av mältat rågmjöl.",
                    "Finland's traditional Easter pudding of malted rye.",
                ),
                "price_minor": 790,
                "allergens": ["gluten", "milk"],
                "diets": ["vegetarian"],
                # Made for Easter only: the demo's sold-out dish.
                "is_available": False,
            },
        ],
    },
    {
        "key": "drinks",
        "name": _t("Juomat", "Drycker", "Drinks"),
        "defaults": {"station": "bar", "course": 1, "vat_rate_bp": FOOD_VAT_BP},
        "items": [
            {
                "key": "coffee",
                "name": _t("Suodatinkahvi", "Bryggkaffe", "Filter coffee"),
                "description": _t(
                    "Vaalea paahto, santsikuppi kuuluu hintaan.",
                    "Ljusrost, påtår ingår.",
                    "Light roast, refill included.",
                ),
                "price_minor": 390,
                "allergens": [],
                "diets": _PLAIN_DRINK,
                "groups": ["milk"],
            },
            {
                "key": "cappuccino",
                "name": _t("Cappuccino", "Cappuccino", "Cappuccino"),
                "description": _t(
                    "Espresso ja höyrytetty maito.",
                    "Espresso och ångad mjölk.",
                    "Espresso with steamed milk.",
                ),
                "price_minor": 550,
                "allergens": ["milk"],
                "diets": ["vegetarian", "gluten_free", "alcohol_free"],
            },
            {
                "key": "tea",
                "name": _t("Tee", "Te", "Tea"),
                "description": _t(
                    "Musta, vihreä tai yrttitee.",
                    "Svart, grönt eller örtte.",
                    "Black, green or herbal tea.",
                ),
                "price_minor": 390,
                "allergens": [],
                "diets": _PLAIN_DRINK,
                "groups": ["milk"],
            },
            {
                "key": "berry_juice",
                "name": _t("Talon marjamehu", "Husets bärsaft", "House berry cordial"),
                "description": _t(
                    "Mustaherukasta ja puolukasta tehty mehu.",
                    "Saft på svarta vinbär och lingon.",
                    "Blackcurrant and lingonberry cordial.",
                ),
                "price_minor": 490,
                "allergens": [],
                "diets": _PLAIN_DRINK,
            },
            {
                "key": "sparkling_water",
                "name": _t(
                    "Kivennäisvesi 0,33 l",
                    "Mineralvatten 0,33 l",
                    "Sparkling mineral water 0.33 l",
                ),
                "description": _t(
                    "Hiilihapotettu kivennäisvesi.",
                    "Kolsyrat mineralvatten.",
                    "Sparkling mineral water.",
                ),
                "price_minor": 450,
                "allergens": [],
                "diets": _PLAIN_DRINK,
            },
            {
                "key": "milk_glass",
                "name": _t("Maito", "Mjölk", "Milk"),
                "description": _t(
                    "Lasillinen kevytmaitoa.",
                    "Ett glas lättmjölk.",
                    "A glass of semi-skimmed milk.",
                ),
                "price_minor": 290,
                "allergens": ["milk"],
                "diets": ["vegetarian", "gluten_free", "alcohol_free"],
            },
        ],
    },
    {
        "key": "beers",
        "name": _t("Oluet ja siiderit", "Öl och cider", "Beers and ciders"),
        "defaults": {"station": "bar", "course": 1, "vat_rate_bp": ALCOHOL_VAT_BP},
        "items": [
            {
                "key": "lapin_kulta",
                "name": _t(
                    "Lapin Kulta (hana)", "Lapin Kulta (fat)", "Lapin Kulta (draught)"
                ),
                "description": _t(
                    "Vaalea lager, 4,5 %.", "Ljus lager, 4,5 %.", "Pale lager, 4.5%."
                ),
                "price_minor": 850,
                "allergens": ["gluten"],
                "diets": _LAGER,
                "groups": ["beer_size"],
            },
            {
                "key": "karhu",
                "name": _t(
                    "Karhu III (hana)", "Karhu III (fat)", "Karhu III (draught)"
                ),
                "description": _t(
                    "Vaalea lager, 4,6 %.", "Ljus lager, 4,6 %.", "Pale lager, 4.6%."
                ),
                "price_minor": 850,
                "allergens": ["gluten"],
                "diets": _LAGER,
                "groups": ["beer_size"],
            },
            {
                "key": "lonkero",
                "name": _t("Lonkero 0,33 l", "Long drink 0,33 l", "Long drink 0.33 l"),
                "description": _t(
                    "Hartwall Original Long Drink, gini ja greippi, 5,5 %.",
                    "Hartwall Original Long Drink, gin och grapefrukt, 5,5 %.",
                    "Hartwall Original Long Drink, gin and grapefruit, 5.5%.",
                ),
                "price_minor": 890,
                "allergens": [],
                "diets": _PLANT_BASED,
            },
            {
                "key": "cider",
                "name": _t(
                    "Happy Joe Dry Apple -siideri 0,33 l",
                    "Happy Joe Dry Apple cider 0,33 l",
                    "Happy Joe Dry Apple cider 0.33 l",
                ),
                "description": _t(
                    "Kuiva omenasiideri, 4,7 %.",
                    "Torr äppelcider, 4,7 %.",
                    "Dry apple cider, 4.7%.",
                ),
                "price_minor": 890,
                "allergens": ["sulphites"],
                "diets": _PLANT_BASED,
            },
            {
                "key": "beer_zero",
                "name": _t(
                    "Lapin Kulta 0,0 % 0,33 l",
                    "Lapin Kulta 0,0 % 0,33 l",
                    "Lapin Kulta 0.0% 0.33 l",
                ),
                "description": _t(
                    "Alkoholiton lager.", "Alkoholfri lager.", "Alcohol-free lager."
                ),
                "price_minor": 650,
                # Alcohol-free, so taxed like food despite its category.
                "vat_rate_bp": FOOD_VAT_BP,
                "allergens": ["gluten"],
                "diets": [*_LAGER, "alcohol_free"],
            },
        ],
    },
    {
        "key": "wines",
        "name": _t("Viinit", "Viner", "Wines"),
        # Prices are for 12 cl; the serving choice adds the difference.
        "defaults": {
            "station": "bar",
            "course": 1,
            "vat_rate_bp": ALCOHOL_VAT_BP,
            "allergens": ["sulphites"],
            "diets": _WINE,
            "groups": ["wine_serving"],
        },
        "items": [
            {
                "key": "house_white",
                "name": _t("Talon valkoviini", "Husets vita vin", "House white wine"),
                "description": _t(
                    "Chardonnay, Chile. Hedelmäinen ja raikas.",
                    "Chardonnay, Chile. Fruktig och frisk.",
                    "Chardonnay, Chile. Fruity and fresh.",
                ),
                "price_minor": 950,
            },
            {
                "key": "riesling",
                "name": _t(
                    "Dr. Loosen Riesling", "Dr. Loosen Riesling", "Dr. Loosen Riesling"
                ),
                "description": _t(
                    "Mosel, Saksa. Puolikuiva, sopii kalalle.",
                    "Mosel, Tyskland. Halvtorr, passar till fisk.",
                    "Mosel, Germany. Off-dry, lovely with fish.",
                ),
                "price_minor": 1190,
            },
            {
                "key": "chablis",
                "name": _t("Chablis", "Chablis", "Chablis"),
                "description": _t(
                    "Burgundi, Ranska. Kuiva ja mineraalinen.",
                    "Bourgogne, Frankrike. Torr och mineralisk.",
                    "Burgundy, France. Dry and mineral.",
                ),
                "price_minor": 1390,
                # The last bottle went last week: a sold-out wine.
                "is_available": False,
            },
            {
                "key": "house_red",
                "name": _t("Talon punaviini", "Husets röda vin", "House red wine"),
                "description": _t(
                    "Tempranillo, Espanja. Pehmeä ja marjaisa.",
                    "Tempranillo, Spanien. Mjuk och bärig.",
                    "Tempranillo, Spain. Soft and berry-rich.",
                ),
                "price_minor": 950,
            },
            {
                "key": "rioja",
                "name": _t("Rioja Crianza", "Rioja Crianza", "Rioja Crianza"),
                "description": _t(
                    "Rioja, Espanja. Täyteläinen, tammen sävyjä.",
                    "Rioja, Spanien. Fyllig med toner av ek.",
                    "Rioja, Spain. Full-bodied with notes of oak.",
                ),
                "price_minor": 1190,
            },
            {
                "key": "cava",
                "name": _t("Cava Brut", "Cava Brut", "Cava Brut"),
                "description": _t(
                    "Kuiva espanjalainen kuohuviini.",
                    "Torrt spanskt mousserande vin.",
                    "Dry Spanish sparkling wine.",
                ),
                "price_minor": 1050,
            },
        ],
    },
]


def menu_items() -> list[dict[str, Any]]:
    """Return every dish as one flat dict, category defaults filled in.

    Each has the keys the seed writes, `category` (the category's key) and
    `position` (its place within the category).
    """
    return [
        {
            "groups": [],
            "is_available": True,
            **category["defaults"],
            **item,
            "category": category["key"],
            "position": position,
        }
        for category in CATEGORIES
        for position, item in enumerate(category["items"])
    ]
