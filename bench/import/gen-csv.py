#!/usr/bin/python3
"""Writes the CSV file the import benchmark reads.

    /usr/bin/python3 bench/import/gen-csv.py OUT.csv [ROWS] [--seed N]

ROWS rows (1,000,000 by default; about 100 MB) of ten mixed columns, the
same bytes for the same ROWS and seed:

    id          integer, 1..ROWS
    order_date  date, YYYY-MM-DD (2022-2025)
    shipped_at  date and time, YYYY-MM-DD HH:MM:SS
    region      categorical, 8 values
    product     text, 500 distinct names
    price       real, two decimals
    quantity    integer, 1..40
    returned    boolean, true/false
    discount    real, 8 % missing (5 % empty, 3 % NA)
    comment     free text, some 270,000 distinct values per million rows;
                7 % quoted with a comma inside, 0.2 % with doubled quotes

Standard library only.
"""

import argparse
import datetime
import os
import random
import sys

REGIONS = ["North", "South", "East", "West", "Central",
           "Northeast", "Southwest", "Overseas"]

ADJECTIVES = ["Compact", "Deluxe", "Eco", "Classic", "Pro", "Ultra", "Mini",
              "Smart", "Heavy-Duty", "Portable", "Wireless", "Premium",
              "Basic", "Outdoor", "Family", "Travel", "Studio", "Turbo",
              "Silent", "Vintage"]
NOUNS = ["Kettle", "Blender", "Lamp", "Backpack", "Chair", "Desk", "Monitor",
         "Keyboard", "Speaker", "Toaster", "Drill", "Tent", "Jacket",
         "Bottle", "Router", "Heater", "Fan", "Mixer", "Scale", "Camera",
         "Printer", "Headset", "Mattress", "Grill", "Vacuum"]

WORDS = ("arrived early late on time damaged box customer happy unhappy "
         "asked for refund exchange gift wrap repeat order bulk discount "
         "applied missing manual wrong colour size fits well great value "
         "would buy again slow courier fast delivery left at door signed "
         "by neighbour invoice requested warranty claim opened quality "
         "check passed failed replacement sent back ordered by phone "
         "online store pickup pending review five stars two stars").split()

# Comments with a comma inside are quoted; a few also carry a doubled quote.
COMMA_PHRASES = ["late delivery, refund requested", "box damaged, item fine",
                 "colour wrong, exchanged", "great value, would buy again",
                 "left at door, signed by neighbour",
                 "slow courier, customer unhappy"]
QUOTE_PHRASES = ['"12"" model, as ordered"', '"says ""as new"", but used"']


def build_comment_pools(rng):
    """Two pools of word groups; a comment joins one of each."""
    first = []
    for _ in range(1000):
        first.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3))))
    second = []
    for _ in range(1000):
        second.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 2))))
    return first, second


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="the CSV file to write ('-' for standard output)")
    ap.add_argument("rows", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    if args.rows < 0:
        ap.error("ROWS must not be negative")

    rng = random.Random(args.seed)
    rand = rng.random

    start = datetime.date(2022, 1, 1)
    n_days = (datetime.date(2025, 12, 31) - start).days + 1
    dates = [(start + datetime.timedelta(days=i)).isoformat() for i in range(n_days + 8)]
    times = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)]
    products = sorted({"%s %s %d" % (a, n, k) for a in ADJECTIVES for n in NOUNS for k in (100, 200)})
    products = rng.sample(products, 500)
    base_price = [round(5 + rand() * rand() * 600, 2) for _ in products]
    first, second = build_comment_pools(rng)
    n_first, n_second = len(first), len(second)
    n_products = len(products)

    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")
    try:
        out.write("id,order_date,shipped_at,region,product,price,quantity,returned,discount,comment\n")
        chunk = []
        append = chunk.append
        for i in range(1, args.rows + 1):
            d = int(rand() * n_days)
            p = int(rand() * n_products)
            r = rand()
            if r < 0.05:
                discount = ""
            elif r < 0.08:
                discount = "NA"
            else:
                discount = "%.2f" % (r * 0.3)
            c = rand()
            if c < 0.06:
                comment = '"%s, %s"' % (first[int(c * 1e6) % n_first], second[int(c * 1e7) % n_second])
            elif c < 0.062:
                comment = QUOTE_PHRASES[int(c * 1e6) % 2]
            elif c < 0.07:
                comment = '"%s"' % COMMA_PHRASES[int(c * 1e6) % 6]
            else:
                comment = first[int(c * 1e6) % n_first] + " " + second[int(c * 1e9) % n_second]
            append("%d,%s,%s %s,%s,%s,%.2f,%d,%s,%s,%s\n" % (
                i, dates[d], dates[d + int(rand() * 8)], times[int(rand() * 86400)],
                REGIONS[int(rand() * rand() * 8)], products[p],
                base_price[p] * (0.9 + rand() * 0.2), 1 + int(rand() * rand() * 40),
                "true" if rand() < 0.04 else "false", discount, comment))
            if len(chunk) == 20000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        os._exit(1)
