"""Write the synthetic multi-reference translation corpus in this folder (deterministic: same files every run).

    python tests/data/mt-sample/generate.py          # rewrite the files
    python tests/data/mt-sample/generate.py --check  # exit 1 when a file differs from what would be written

Every sentence is built here from templates and word lists written for this project (no text is taken from
WMT or any other corpus). Each segment is one "event" (who, what, how many, where, when) rendered in English and
German; the three references of a segment render the same event with independently chosen paraphrases, the
source renders it in the other language, and each system output renders it with its own preferences plus
system-specific noise (dropped, repeated, swapped and wrong words, lost casing and punctuation, empty lines), so
that systems differ in quality and BLEU/chrF/TER, their tokenizers and the significance tests have real work.

The layout mirrors a WMT test set: sources/sample.{pair}.src.{sl}, references/sample.{pair}.ref.{A,B,C}.{tl},
system-outputs/sample.{pair}.hyp.{system}.{tl}, one segment per line.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEGMENTS = 200
REFERENCES = "ABC"
# name -> (noise rate, how often it takes its own favourite paraphrase, rate of empty outputs)
SYSTEMS = {"Alder": (0.02, 0.7, 0.0), "Birch": (0.06, 0.5, 0.0), "Cedar": (0.10, 0.3, 0.0),
           "Damson": (0.16, 0.6, 0.01), "Elm": (0.25, 0.2, 0.0), "Fir": (0.40, 0.4, 0.02)}

# Slot fillers: (English variants, German variants). Variants are paraphrases of one another.
SUBJECTS = [
    (["the city council", "the council"], ["der Stadtrat", "der Rat"]),
    (["the U.S. Senate", "the Senate"], ["der US-Senat", "der Senat"]),
    (["the EU Commission", "the European Commission"], ["die EU-Kommission", "die Europäische Kommission"]),
    (["the fire brigade", "firefighters"], ["die Feuerwehr", "die Einsatzkräfte"]),
    (["the company", "the firm"], ["das Unternehmen", "die Firma"]),
    (["Dr. Anna Keller", "Anna Keller"], ["Dr. Anna Keller", "Anna Keller"]),
    (["Jonas Brandt", "Mr. Brandt"], ["Jonas Brandt", "Herr Brandt"]),
    (["the police", "police officers"], ["die Polizei", "Polizeibeamte"]),
    (["the ministry", "the health ministry"], ["das Ministerium", "das Gesundheitsministerium"]),
    (["the club's coach", "the coach"], ["der Trainer des Vereins", "der Trainer"]),
    (["Li Wei (李伟)", "Li Wei"], ["Li Wei (李伟)", "Li Wei"]),
    (["the mayor of Zürich", "Zürich's mayor"], ["die Bürgermeisterin von Zürich", "Zürichs Bürgermeisterin"]),
]
PLACES = [
    (["in Munich", "in the city of Munich"], ["in München", "in der Stadt München"]),
    (["in Cologne", "in the Cologne area"], ["in Köln", "im Raum Köln"]),
    (["in Düsseldorf", "near Düsseldorf"], ["in Düsseldorf", "bei Düsseldorf"]),
    (["in New York", "in New York City"], ["in New York", "in der Stadt New York"]),
    (["on the A7 motorway", "on the A7"], ["auf der Autobahn A7", "auf der A7"]),
    (["in the old town", "in the historic centre"], ["in der Altstadt", "im historischen Zentrum"]),
    (["at the main station", "at the central station"], ["am Hauptbahnhof", "am Hauptbahnhof der Stadt"]),
]
MONTHS = [("January", "Januar"), ("March", "März"), ("May", "Mai"), ("July", "Juli"), ("October", "Oktober"),
          ("December", "Dezember")]
DAYS = [("on Monday", "am Montag"), ("on Tuesday", "am Dienstag"), ("on Friday", "am Freitag"),
        ("at the weekend", "am Wochenende"), ("last week", "vergangene Woche"), ("yesterday", "gestern")]
THINGS = [
    (["people", "residents"], ["Menschen", "Einwohner"]),
    (["jobs", "positions"], ["Arbeitsplätze", "Stellen"]),
    (["flats", "apartments"], ["Wohnungen", "Mietwohnungen"]),
    (["cars", "vehicles"], ["Autos", "Fahrzeuge"]),
    (["visitors", "guests"], ["Besucher", "Gäste"]),
    (["trees", "young trees"], ["Bäume", "junge Bäume"]),
]
ADJECTIVES = [
    (["surprising", "unexpected"], ["überraschend", "unerwartet"]),
    (["difficult", "hard"], ["schwierig", "schwer"]),
    (["good news", "a good sign"], ["eine gute Nachricht", "ein gutes Zeichen"]),
    (["not acceptable", "unacceptable"], ["nicht akzeptabel", "inakzeptabel"]),
]

EN_NOISE = ["the", "a", "of", "and", "is", "it", "that", "this", "also", "very", "more", "new", "said", "year",
            "about", "thing", "so", "which", "were", "has"]
DE_NOISE = ["der", "die", "das", "und", "ist", "es", "dass", "auch", "sehr", "mehr", "neue", "sagte", "Jahr",
            "über", "so", "welche", "waren", "hat", "sich", "noch"]


def _en_number(n: int) -> str:
    return f"{n:,}"


def _de_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def event(rng: random.Random) -> dict:
    """The language-independent content of one segment: which fillers, numbers and template."""
    return {
        "template": rng.randrange(len(TEMPLATES)),
        "subject": rng.randrange(len(SUBJECTS)), "place": rng.randrange(len(PLACES)),
        "thing": rng.randrange(len(THINGS)), "adjective": rng.randrange(len(ADJECTIVES)),
        "day": rng.randrange(len(DAYS)), "month": rng.randrange(len(MONTHS)), "date": rng.randint(1, 28),
        "count": rng.choice([rng.randint(2, 12), rng.randint(13, 999), rng.randint(1000, 250000)]),
        "tenths": rng.randint(11, 99), "percent": rng.randint(2, 40), "half": rng.random() < 0.5,
        "second": rng.random() < 0.25,  # a second clause: longer segments
    }


def _fill(e: dict, lang: int, pick) -> dict:
    """The slot strings of event ``e`` in language ``lang`` (0 = en, 1 = de); ``pick(options)`` chooses."""
    subj = pick(SUBJECTS[e["subject"]][lang])
    month = MONTHS[e["month"]][lang]
    millions = e["tenths"] / 10
    pct = f"{e['percent']}.5" if e["half"] else str(e["percent"])
    if lang == 0:
        return {"subj": subj, "Subj": subj[0].upper() + subj[1:], "place": pick(PLACES[e["place"]][0]),
                "things": pick(THINGS[e["thing"]][0]), "adj": pick(ADJECTIVES[e["adjective"]][0]),
                "day": DAYS[e["day"]][0], "date": pick([f"on {month} {e['date']}", f"on {e['date']} {month}"]),
                "n": _en_number(e["count"]),
                "money": pick([f"€{millions:.1f} million", f"{millions:.1f} million euros"]),
                "pct": pick([f"{pct}%", f"{pct} percent", f"{pct} per cent"])}
    pct_de = pct.replace(".", ",")
    m_de = f"{millions:.1f}".replace(".", ",")
    return {"subj": subj, "Subj": subj[0].upper() + subj[1:], "place": pick(PLACES[e["place"]][1]),
            "things": pick(THINGS[e["thing"]][1]), "adj": pick(ADJECTIVES[e["adjective"]][1]),
            "day": DAYS[e["day"]][1], "date": f"am {e['date']}. {month}",
            "n": _de_number(e["count"]),
            "money": pick([f"{m_de} Millionen Euro", f"{m_de} Mio. €"]),
            "pct": pick([f"{pct_de} Prozent", f"{pct_de} %"])}


# Templates: (English paraphrases, German paraphrases).
TEMPLATES = [
    (["{Subj} said {day} that {n} {things} had been affected {place}.",
      "According to {subj}, {n} {things} were affected {place} {day}.",
      "{n} {things} {place} have been affected, {subj} said {day}."],
     ["{Subj} teilte {day} mit, dass {place} {n} {things} betroffen seien.",
      "Nach Angaben von {subj} sind {place} {n} {things} betroffen.",
      "{place} sind {n} {things} betroffen, sagte {subj} {day}."]),
    (["{Subj} wants to spend {money} on new {things} {place}.",
      "{Subj} plans to invest {money} in new {things} {place}.",
      "{money} for new {things} {place}: that is the plan of {subj}."],
     ["{Subj} will {place} {money} für neue {things} ausgeben.",
      "{Subj} plant, {place} {money} in neue {things} zu investieren.",
      "{money} für neue {things} {place} – das ist der Plan von {subj}."]),
    (["\"This is {adj},\" {subj} told reporters {place}.",
      "\"That is {adj},\" said {subj} {place}.",
      "{Subj} called the decision {adj}."],
     ["„Das ist {adj}“, sagte {subj} {place} vor Journalisten.",
      "„Das ist {adj}“, erklärte {subj} {place}.",
      "{Subj} nannte die Entscheidung {adj}."]),
    (["The number of {things} rose by {pct} {date}.",
      "{date}, the number of {things} increased by {pct}.",
      "There were {pct} more {things} {date}."],
     ["Die Zahl der {things} stieg {date} um {pct}.",
      "{date} erhöhte sich die Zahl der {things} um {pct}.",
      "{date} gab es {pct} mehr {things}."]),
    (["It's not clear yet whether {subj} will attend the meeting {place}.",
      "It is still unclear if {subj} will come to the meeting {place}.",
      "Whether {subj} will take part in the meeting {place} isn't known yet."],
     ["Ob {subj} {place} an dem Treffen teilnimmt, ist noch unklar.",
      "Noch ist nicht klar, ob {subj} zu dem Treffen {place} kommt.",
      "Unklar ist bislang, ob {subj} {place} an der Sitzung teilnimmt."]),
    (["{Subj} (who had been criticised {day}) rejected the accusations - again.",
      "{Subj}, criticised {day}, once more rejected the accusations.",
      "Again, {subj} rejected the accusations made {day}."],
     ["{Subj} (die {day} kritisiert worden war) wies die Vorwürfe zurück - erneut.",
      "{Subj}, {day} kritisiert, wies die Vorwürfe noch einmal zurück.",
      "Erneut wies {subj} die Vorwürfe von {day} zurück."]),
    (["Around {n} {things} were counted {place} {date}...",
      "{date}, about {n} {things} were counted {place}.",
      "Some {n} {things} were counted {place} {date}."],
     ["{date} wurden {place} rund {n} {things} gezählt …",
      "{date} zählte man {place} etwa {n} {things}.",
      "Etwa {n} {things} wurden {date} {place} gezählt."]),
    (["Tickets cost {money} in total & sold out {day}.",
      "All tickets, worth {money}, sold out {day}.",
      "{day}, tickets worth {money} were sold out."],
     ["Die Tickets im Wert von insgesamt {money} waren {day} ausverkauft.",
      "{day} waren alle Tickets für {money} ausverkauft.",
      "Alle Karten im Wert von {money} gingen {day} weg."]),
]
SECOND = [
    (["The investigation continues.", "Investigations are ongoing.", "The inquiry is still going on."],
     ["Die Ermittlungen dauern an.", "Die Untersuchung läuft weiter.", "Die Ermittlungen laufen noch."]),
    (["Nobody was injured.", "No one was hurt.", "There were no injuries."],
     ["Verletzt wurde niemand.", "Niemand wurde verletzt.", "Es gab keine Verletzten."]),
    (["More information will follow on Tuesday.", "Further details are expected on Tuesday."],
     ["Weitere Informationen folgen am Dienstag.", "Details werden am Dienstag erwartet."]),
]


def _capitalize(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def render(e: dict, lang: int, rng: random.Random, favourite: int | None = None, loyalty: float = 0.0) -> str:
    """Event ``e`` in language ``lang``; each choice takes variant ``favourite`` with probability ``loyalty``."""
    def pick(options):
        if favourite is not None and rng.random() < loyalty:
            return options[favourite % len(options)]
        return rng.choice(options)

    text = pick(TEMPLATES[e["template"]][lang]).format(**_fill(e, lang, pick))
    if e["second"]:
        text += " " + pick(SECOND[e["template"] % len(SECOND)][lang])
    return _capitalize(text)


def add_noise(text: str, lang: int, rate: float, empty: float, rng: random.Random) -> str:
    """A system's errors: drop, repeat, swap and replace words; lose casing or the final punctuation."""
    if rng.random() < empty:
        return ""
    noise = EN_NOISE if lang == 0 else DE_NOISE
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        r = rng.random()
        if r < rate * 0.3:
            pass  # dropped
        elif r < rate * 0.45:
            out += [w, w]
        elif r < rate * 0.65 and i + 1 < len(words):
            out += [words[i + 1], w]
            i += 1
        elif r < rate * 0.9:
            out.append(rng.choice(noise))
        elif r < rate:
            out.append(w.lower())
        else:
            out.append(w)
        i += 1
    result = " ".join(out)
    if rng.random() < rate and result[-1:] in ".…":
        result = result[:-1]
    return result


def corpus() -> dict[str, str]:
    """File name (relative to this folder) -> content."""
    files: dict[str, str] = {}
    for pair, seed in (("en-de", 2021), ("de-en", 1202)):
        sl, tl = pair.split("-")
        src_lang, tgt_lang = (0, 1) if sl == "en" else (1, 0)
        rng = random.Random(seed)
        events = [event(rng) for _ in range(SEGMENTS)]
        files[f"sources/sample.{pair}.src.{sl}"] = "".join(render(e, src_lang, rng) + "\n" for e in events)
        for ref in REFERENCES:
            files[f"references/sample.{pair}.ref.{ref}.{tl}"] = "".join(
                render(e, tgt_lang, rng) + "\n" for e in events)
        for k, (name, (rate, loyalty, empty)) in enumerate(SYSTEMS.items()):
            lines = [add_noise(render(e, tgt_lang, rng, favourite=k, loyalty=loyalty), tgt_lang, rate, empty, rng)
                     for e in events]
            files[f"system-outputs/sample.{pair}.hyp.{name}.{tl}"] = "".join(line + "\n" for line in lines)
    return files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    differ = []
    for name, content in corpus().items():
        path = HERE / name
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != content:
                differ.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="\n")
    for name in differ:
        print(f"differs: {name}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
