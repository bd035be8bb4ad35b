"""How names, titles and roles read in running text: sentence case, "the", role words in
lower case, Arabic gender, and whether an actor is an institution (no byline)."""

from __future__ import annotations

import re

from analysis.dataset import Actor, Dataset
from analysis.narrative.house import _apply_house_names


def _proper_words(dataset: Dataset) -> frozenset[str]:
    """First words of site and actor names: a label starting with one keeps its capital."""
    names = [site.name_en for site in dataset.sites.values()]
    names += [actor.name_en for actor in dataset.actors.values()]
    return frozenset(name.split()[0] for name in names if name.split())


def _sentence_case(label: str, proper: frozenset[str]) -> str:
    """A label as it reads inside a sentence: "Adviser to the Prime Minister" → "adviser …".

    Only a label in sentence case loses its first capital: one whose first word is
    plain (not an acronym, not a name from the data or a word built on one, such
    as "Iraqi") and whose second word is lower-case. Title-case labels ("National
    Security Adviser of Iraq", "Chief Pentagon spokesman") are left as written.
    """
    words = label.split()
    if not words:
        return label
    first = words[0]
    bare = re.sub(r"['’]s$", "", first)
    plain = first[:1].isupper() and not any(c.isupper() or c.isdigit() for c in first[1:])
    named = any(bare.startswith(word) for word in proper)
    second_lower = len(words) == 1 or words[1][:1].islower()
    if plain and not named and second_lower:
        return label[:1].lower() + label[1:]
    return label


_ROLE_WORDS = frozenset(
    "deputy commander minister prime adviser advisor spokesman spokesperson spokeswoman head "
    "chief secretary ambassador envoy president vice director chairman chair member official "
    "foreign defence defense national security special senior assistant acting general "
    "undersecretary under-secretary representative leader".split()
)


def _role_case(role: str) -> str:
    """A title-case role as it reads in running text (house style: roles in lower case):
    "Deputy Commander of the Joint Operations Command" → "deputy commander of the Joint
    Operations Command". Only the role words before the first "of"/"to"/"for"/"at" lose
    their capital; the body they belong to keeps its name."""
    words = role.split(" ")
    out = []
    for i, word in enumerate(words):
        if word in ("of", "to", "for", "at", "in", "and"):
            out.extend(words[i:])
            break
        out.append(word.lower() if word.lower() in _ROLE_WORDS and word[1:].islower() else word)
    return " ".join(out)


def _english_names(title: str, proper: frozenset[str]) -> tuple[str, str]:
    """("the coalition mission at X", "The coalition mission at X") from a title.

    Titles are written as labels ("Coalition mission at Ain al-Asad Air Base"); in
    running text they go into sentence case (:func:`_sentence_case`) and take
    "the", unless they open with a possessive ("UNAMI's final mandate") or an
    article of their own.
    """
    title = _apply_house_names(title, "en")
    first = title.split()[0] if title.split() else ""
    running = _sentence_case(title, proper)
    bare = re.sub(r"['’]s$", "", first)
    possessive = bare != first
    common = (
        first[:1].isupper()
        and not any(c.isupper() or c.isdigit() for c in first[1:])
        and not any(bare.startswith(word) for word in proper)
    )
    if possessive and common:  # "Coalition's Erbil-based mission" → "the coalition's …"
        running = f"the {first.lower()}{title[len(first) :]}"
    elif first.lower() not in {"the", "a", "an"} and not possessive:
        running = f"the {running}"
    return running, running[:1].upper() + running[1:]


def _arabic_feminine(title: str) -> bool:
    words = title.split()
    first = words[0].strip("«»\"'()") if words else ""
    return first.endswith(("ة", "ات"))


_BODY = re.compile(
    r"\(|\b(?:Department|Ministry|Governments?|Embassy|Commission|Council|Mission|Forces?"
    r"|Command|Coalition|Office|Agency|Task Force)\b",
    re.IGNORECASE,
)


def _is_body(actor: Actor) -> bool:
    """An institution rather than a person: its summary speaks for it, no byline."""
    return bool(_BODY.search(actor.name_en))
