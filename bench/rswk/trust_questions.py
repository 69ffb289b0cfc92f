#!/usr/bin/python3
"""Questions a new user would ask of the RSWK records, with gold answers, and their scoring.

The questions quote landmark names and values of the dataset, so they are generated from
ORI_DATASET/ori_data_test.partial.json at run time and never committed. Gold answers are computed
here, directly from the JSON (no georune code): values as stored, lists by the Area text, maxima
and minima by the leading number of a value.

  trust_questions.py --georune build/bin/georune --out /tmp/trust   # builds a KB, asks, scores
  trust_questions.py --georune OLD --kb KB --out DIR                # an existing KB (older builds)

Writes DIR/questions.jsonl (question, kind, gold) and DIR/results.json (per item: the answer,
status and whether it is right; accuracy per kind and overall).

Kinds: accent (names typed without diacritics), typo (one letter wrong), absent (landmarks that
are not in the records), missing_field (a landmark without the asked field), everyday (fields in
everyday words), list (landmarks by country), superlative (maxima and minima, with filters).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata

DATA = "data/rswk/ORI_DATASET/ori_data_test.partial.json"

# MCD12Q1 IGBP legend (LC_Type1), typed from the MODIS user guide for this oracle.
IGBP = ["", "Evergreen Needleleaf Forests", "Evergreen Broadleaf Forests", "Deciduous Needleleaf Forests",
        "Deciduous Broadleaf Forests", "Mixed Forests", "Closed Shrublands", "Open Shrublands",
        "Woody Savannas", "Savannas", "Grasslands", "Permanent Wetlands", "Croplands",
        "Urban and Built-up Lands", "Cropland/Natural Vegetation Mosaics", "Permanent Snow and Ice",
        "Barren", "Water Bodies"]

# Landmarks that are not in the records (checked below).
ABSENT = ["Eiffel Tower", "Bergen Station", "Sydney Opera House", "Castillo de San Felipe",
          "Château de Versailles", "Neuschwanstein Castle", "Golden Gate Bridge", "Moscow Kremlin",
          "Machu Picchu", "Tower of London", "Taj Mahal", "Alhambra", "Hagia Sophia", "Petra",
          "Edinburgh Castle", "Trondheim Central Station"]

PLAIN = {"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "đ": "d", "Đ": "D", "ł": "l", "ı": "i",
         "ʼ": "'", "–": "-"}


def typed_plain(name):
    """How a user without the accents on the keyboard types a name."""
    s = "".join(PLAIN.get(c, c) for c in name)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def folded(s):
    return re.sub(r"[^a-z0-9]+", " ", typed_plain(s).lower()).strip()


def number(v):
    m = re.match(r"\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)", str(v))
    return float(m.group(1).replace(",", "")) if m else None


def var(rec, key):
    ek = rec["remote sensing expert knowledge"]
    for k, v in ek.items():
        if k == key or k.startswith(key + "("):
            return str(v)
    return None


def name(rec):
    return rec["world knowledge"]["Name"]


def value_item(q, kind, rec, gold):
    return {"question": q, "kind": kind, "gold": {"type": "value", "record_id": rec["ID"], "value": gold}}


FIELD_ASKS = [  # (question template, variable or field, is_variable)
    ("What is the total precipitation at {}?", "PRECTOTLAND", True),
    ("What is the wind speed at {}?", "SPEED", True),
    ("What is the night temperature at {}?", "LST_Night_1km", True),
    ("When was {} built?", "Construction_Period", False),
    ("What is the albedo of {}?", "ALBEDO", True),
]

EVERYDAY = [
    ("How much rain falls at {}?", "PRECTOTLAND", True),
    ("What is the annual rainfall at {}?", "PRECTOTLAND", True),
    ("How big is {}?", "Physical_Area", False),
    ("What is the area of {}?", "Physical_Area", False),
    ("How hot is {} during the day?", "LST_Day_1km", True),
    ("How cold does {} get at night?", "LST_Night_1km", True),
    ("What is the soil moisture at {}?", "GWETPROF", True),
    ("How reflective is the surface at {}?", "ALBEDO", True),
    ("What is the land cover at {}?", "LC_Type1", True),
    ("How much snowmelt is there at {}?", "SMLAND", True),
    ("How much evaporation is there at {}?", "EVLAND", True),
    ("What is the air temperature at {}?", "mean_2m_air_temperature", True),
    ("What is the sea level pressure at {}?", "mean_sea_level_pressure", True),
    ("What is the emissivity of {}?", "EMIS", True),
    ("How windy is {}?", "SPEED", True),
    ("What is the daytime land surface temperature of {}?", "LST_Day_1km", True),
    ("What is the size of {}?", "Physical_Area", False),
    ("How much precipitation does {} get?", "PRECTOTLAND", True),
    ("What is the skin temperature at {}?", "TS", True),
    ("What is the surface pressure at {}?", "surface_pressure", True),
]

COUNTRIES = ["Scotland", "Iran", "Russia", "Ireland", "Germany", "Turkey", "Vietnam", "Italy",
             "Japan", "Morocco", "Portugal", "Indonesia"]
LIST_FORMS = ["Which landmarks are in {}?", "List the historic sites in {}.",
              "Which places in {} are in the knowledge base?"]


def field_gold(rec, key, is_var):
    if is_var:
        v = var(rec, key)
        if v is not None and key == "LC_Type1":
            return IGBP[int(float(v))]
        return v
    return rec["world knowledge"].get(key)


def in_country(rec, country):
    area = folded(rec["world knowledge"].get("Area", ""))
    return re.search(r"\b" + re.escape(folded(country)) + r"\b", area) is not None


def superlative(records, key, highest, count=1, country=None):
    rows = [(number(var(r, key)), r["ID"]) for r in records
            if var(r, key) is not None and (country is None or in_country(r, country))]
    rows = [x for x in rows if x[0] is not None]
    rows.sort(key=lambda x: -x[0] if highest else x[0])
    cut = rows[count - 1][0]
    top = [i for v, i in rows if (v >= cut if highest else v <= cut)]
    return {"type": "superlative", "record_ids": top,
            "values": [v for v, i in rows if i in top], "field": key}


def make_questions(records):
    items = []
    by_name = {folded(name(r)): r for r in records}
    accented = [r for r in records if typed_plain(name(r)) != name(r)]
    for i, rec in enumerate(accented[::2][:20]):
        for j in range(len(FIELD_ASKS)):
            q, key, is_var = FIELD_ASKS[(i + j) % len(FIELD_ASKS)]
            gold = field_gold(rec, key, is_var)
            if gold is not None:
                items.append(value_item(q.format(typed_plain(name(rec))), "accent", rec, gold))
                break
    long_ascii = [r for r in records if typed_plain(name(r)) == name(r) and len(name(r)) >= 12]
    for i, rec in enumerate(long_ascii[::7][:10]):
        words = name(rec).split(" ")
        w = max(range(len(words)), key=lambda j: len(words[j]))  # a letter of the longest word
        n, k = words[w], len(words[w]) // 2
        words[w] = n[:k] + n[k + 1] + n[k] + n[k + 2:] if i % 2 == 0 else n[:k] + n[k + 1:]
        typo = " ".join(words)
        key = "GWETPROF" if i % 2 == 0 else "LST_Day_1km"
        q = ("What is the soil moisture at {}?" if i % 2 == 0 else "What is the daytime temperature at {}?")
        gold = field_gold(rec, key, True)
        if gold is not None:
            items.append(value_item(q.format(typo), "typo", rec, gold))
    for i, absent in enumerate(ABSENT):
        assert folded(absent) not in by_name, absent
        q, _, _ = FIELD_ASKS[i % len(FIELD_ASKS)]
        items.append({"question": q.format(absent), "kind": "absent", "gold": {"type": "not_found"}})
    no_area = [r for r in records if "Physical_Area" not in r["world knowledge"]]
    no_night = [r for r in records if var(r, "LST_Night_1km") is None]
    for rec in no_area[::40][:3]:
        items.append({"question": "How big is {}?".format(name(rec)), "kind": "missing_field",
                      "gold": {"type": "not_found"}})
    for rec in no_night[:2]:
        items.append({"question": "What is the night temperature at {}?".format(name(rec)),
                      "kind": "missing_field", "gold": {"type": "not_found"}})
    pool = [r for r in records if typed_plain(name(r)) == name(r)]
    for i, (q, key, is_var) in enumerate(EVERYDAY):
        for rec in pool[i * 13 % len(pool):] + pool:
            gold = field_gold(rec, key, is_var)
            if gold is not None:
                items.append(value_item(q.format(name(rec)), "everyday", rec, gold))
                break
    for i, country in enumerate(COUNTRIES):
        ids = sorted(r["ID"] for r in records if in_country(r, country))
        items.append({"question": LIST_FORMS[i % len(LIST_FORMS)].format(country), "kind": "list",
                      "gold": {"type": "list", "record_ids": ids}})
    sup = [
        ("Which landmark has the highest total precipitation?", "PRECTOTLAND", True, 1, None),
        ("Which landmark is the driest?", "PRECTOTLAND", False, 1, None),
        ("Which landmark is the coldest at night?", "LST_Night_1km", False, 1, None),
        ("Which landmark has the highest night land-surface temperature?", "LST_Night_1km", True, 1, None),
        ("Which landmark is the windiest?", "SPEED", True, 1, None),
        ("Which landmark has the lowest soil moisture?", "GWETPROF", False, 1, None),
        ("Which landmark has the highest albedo?", "ALBEDO", True, 1, None),
        ("Which landmark is the hottest during the day?", "LST_Day_1km", True, 1, None),
        ("Which landmark in Russia has the coldest nights?", "LST_Night_1km", False, 1, "Russia"),
        ("What are the three wettest landmarks?", "PRECTOTLAND", True, 3, None),
        ("Which landmark in Iran gets the most rain?", "PRECTOTLAND", True, 1, "Iran"),
        ("Which landmark has the lowest mean air temperature?", "mean_2m_air_temperature", False, 1, None),
        ("Which landmark in Scotland is the windiest?", "SPEED", True, 1, "Scotland"),
        ("List the 5 landmarks with the highest evaporation.", "EVLAND", True, 5, None),
    ]
    for q, key, hi, n, country in sup:
        items.append({"question": q, "kind": "superlative", "gold": superlative(records, key, hi, n, country)})
    return items


def numbers_in(text):
    return [float(x.replace(",", "")) for x in re.findall(r"-?[0-9][0-9,]*(?:\.[0-9]+)?", text)]


def value_in(answer, gold):
    g = number(gold)
    if g is not None and re.fullmatch(r"\s*-?[0-9][0-9,.]*\s*[^\s0-9]*\s*", gold):
        return any(abs(x - g) < 1e-9 for x in numbers_in(answer))
    return folded(gold) in folded(answer)


def score(item, out):
    gold = item["gold"]
    status = out.get("status", "answered")  # builds before issue 15 have no status
    sources = out.get("sources")
    if sources is None:
        src = out.get("answer_source", {})
        sources = [{"record_id": src.get("record_id", "")}]
    ids = [s["record_id"] for s in sources]
    if gold["type"] == "not_found":
        return status == "not_found"
    if status != "answered":
        return False
    if gold["type"] == "value":
        return bool(ids) and ids[0] == gold["record_id"] and value_in(out["answer"], gold["value"])
    if gold["type"] == "list":
        return sorted(set(ids)) == gold["record_ids"]
    if gold["type"] == "superlative":
        want = gold["record_ids"]
        got = [s["record_id"] for s in sources if s.get("field", gold["field"]).startswith(gold["field"])]
        return sorted(got[:len(want)]) == sorted(want)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--georune", default="build/bin/georune")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared"))
    ap.add_argument("--kb", help="an existing knowledge base (default: build one in --out)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    path = os.path.join(args.shared, DATA)
    if not os.path.exists(path):
        print("skip: " + path + " is absent")
        return 77
    records = json.load(open(path, encoding="utf-8"))
    os.makedirs(args.out, exist_ok=True)
    items = make_questions(records)
    with open(os.path.join(args.out, "questions.jsonl"), "w") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    kb = args.kb or os.path.join(args.out, "kb")
    if not args.kb:
        subprocess.run([args.georune, "kb", "build", "--rswk", path, "--out", kb], check=True,
                       stderr=subprocess.DEVNULL)
    results, by_kind = [], {}
    for it in items:
        p = subprocess.run([args.georune, "ask", "--kb", kb, it["question"], "--exact", "--format", "json"],
                           capture_output=True, text=True)
        out = json.loads(p.stdout) if p.returncode == 0 else {"answer": p.stderr, "status": "error"}
        ok = score(it, out)
        results.append({"question": it["question"], "kind": it["kind"], "right": ok,
                        "status": out.get("status"), "answer": out.get("answer")})
        k = by_kind.setdefault(it["kind"], [0, 0])
        k[0] += ok
        k[1] += 1
    right = sum(r["right"] for r in results)
    summary = {"n": len(results), "right": right, "accuracy": right / len(results),
               "by_kind": {k: {"right": v[0], "n": v[1]} for k, v in by_kind.items()}}
    json.dump({"summary": summary, "items": results}, open(os.path.join(args.out, "results.json"), "w"),
              ensure_ascii=False, indent=1)
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
