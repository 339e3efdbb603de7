"""Demo content: Bistro Saaristo, its menu, staff and six months of history.

`seed.seed_demo()` writes it; `menu` holds the restaurant's content as plain
data and `history` invents the visits.
"""
