#!/usr/bin/env python3
"""Synthetic people for the privacy example: personal data to find, protect and measure.

usage: python3 gen_data.py OUT.csv ROWS SEED
       python3 gen_data.py data.csv 400 9     # regenerates the committed data.csv

Standard library only, and byte-for-byte deterministic for a given ROWS and SEED:
every choice comes from random.Random(SEED). Every person is invented; the email
domains are the reserved example.com/.org/.net, and NANP phone numbers use the
fictional 555-01xx range.

Columns:
  name        a full name (English or Chinese)                      direct identifier
  email       first.last.N@example.{com,org,net}                    direct identifier
  phone       (NXX) 555-01xx, +1 NXX 555 01xx, or a Chinese mobile   direct identifier
  id_number   a Chinese resident identity number: region, the birth date that matches
              the age, sequence, and the GB 11643 MOD 11-2 check character
  postcode    five digits in one of six areas (the first three digits) quasi-identifier
  age         18 to 79                                              quasi-identifier
  income      yearly income in thousands
  diagnosis   asthma, diabetes, healthy or hypertension             sensitive attribute
  defaulted   0 or 1, the target: depends on age, income and area
"""
import sys

import random

FIRST_EN = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Susan", "Richard", "Jessica", "Joseph", "Sarah"]
LAST_EN = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Wilson", "Anderson", "Taylor", "Thomas"]
FIRST_ZH = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
            ("磊", "lei"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("杰", "jie")]
LAST_ZH = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
           ("杨", "yang"), ("赵", "zhao"), ("黄", "huang")]
DOMAINS = ["example.com", "example.org", "example.net"]
AREAS = [("941", 0.9), ("100", 0.0), ("200", -0.3), ("518", 0.2), ("606", 0.5), ("021", -0.6)]
REGIONS = ["110105", "310115", "440301", "330106", "510104", "420102"]
DIAGNOSES = ["asthma", "diabetes", "healthy", "hypertension"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REFERENCE_YEAR = 2024


def id_number(rng, age):
    """A GB 11643 number whose birth date matches the age."""
    year = REFERENCE_YEAR - age
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    body = "%s%04d%02d%02d%03d" % (rng.choice(REGIONS), year, month, day, rng.randint(1, 999))
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def phone(rng):
    kind = rng.randint(0, 2)
    area = rng.choice(["415", "212", "617", "303"])
    line = "01%02d" % rng.randint(0, 99)
    if kind == 0:
        return "(%s) 555-%s" % (area, line)
    if kind == 1:
        return "+1 %s 555 %s" % (area, line)
    return "1%d%d%08d" % (rng.choice([3, 5, 8]), rng.randint(0, 9), rng.randint(0, 99999999))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    lines = ["name,email,phone,id_number,postcode,age,income,diagnosis,defaulted"]
    for i in range(rows):
        if rng.random() < 0.3:
            first, first_latin = rng.choice(FIRST_ZH)
            last, last_latin = rng.choice(LAST_ZH)
            name = last + first
        else:
            first = first_latin = rng.choice(FIRST_EN)
            last = last_latin = rng.choice(LAST_EN)
            name = first + " " + last
        email = "%s.%s.%d@%s" % (first_latin.lower(), last_latin.lower(), i + 1,
                                 rng.choice(DOMAINS))
        area, area_effect = AREAS[rng.randint(0, len(AREAS) - 1)]
        postcode = area + "%02d" % rng.randint(0, 99)
        age = rng.randint(18, 79)
        income = 20 + rng.randint(0, 120) + (age - 18) * 0.5
        diagnosis = rng.choice(DIAGNOSES)
        score = 1.2 - income / 60.0 + (age < 30) * 0.8 + area_effect + rng.random() * 1.6 - 0.8
        defaulted = 1 if score > 0 else 0
        lines.append("%s,%s,%s,%s,%s,%d,%.1f,%s,%d" % (name, email, phone(rng), id_number(rng, age),
                                                       postcode, age, income, diagnosis, defaulted))
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
