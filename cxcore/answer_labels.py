"""Answer labels people's survey tools write instead of numbers, in English, French, German and
Spanish: the label -> value maps of the common rating scales, yes/no words, and the answers that
mean "not applicable".

A column is read through one scale only: :func:`match_scale` returns the first scale whose
labels cover every distinct answer of the column, so "Satisfied" is 4 on the satisfaction scale
and never a guess across scales. Labels are compared after :func:`label_key` (lower case, no
accents, single spaces), so "Très satisfait", "tres satisfait" and "TRÈS  SATISFAIT" are one
label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def label_key(text: str) -> str:
    """``text`` lower-cased, accents removed, inner spaces collapsed, outer punctuation dropped."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    plain = plain.replace("\u2019", "'").lower()
    return re.sub(r"\s+", " ", plain).strip(" .!?;:-")


def _scale(*levels: Iterable[str]) -> dict[str, int]:
    """Level i (1-based) of the scale is written as any of the labels of ``levels[i-1]``."""
    out: dict[str, int] = {}
    for value, labels in enumerate(levels, start=1):
        for label in labels:
            out[label_key(label)] = value
    return out


#: Five-point (and the one seven-point) label scales; value 1 is the worst answer.
SCALES: dict[str, dict[str, int]] = {
    "satisfaction": _scale(
        ("very dissatisfied", "very unsatisfied", "extremely dissatisfied", "tres insatisfait",
         "pas du tout satisfait", "sehr unzufrieden", "muy insatisfecho", "nada satisfecho"),
        ("dissatisfied", "unsatisfied", "somewhat dissatisfied", "insatisfait",
         "plutot insatisfait", "peu satisfait", "unzufrieden", "eher unzufrieden",
         "insatisfecho", "poco satisfecho"),
        ("neutral", "neither satisfied nor dissatisfied", "neutre",
         "ni satisfait ni insatisfait", "weder zufrieden noch unzufrieden", "teils teils",
         "ni satisfecho ni insatisfecho"),
        ("satisfied", "somewhat satisfied", "satisfait", "plutot satisfait", "zufrieden",
         "eher zufrieden", "satisfecho", "bastante satisfecho"),
        ("very satisfied", "extremely satisfied", "tres satisfait", "sehr zufrieden",
         "muy satisfecho"),
    ),
    "agreement": _scale(
        ("strongly disagree", "pas du tout d'accord", "tout a fait en desaccord",
         "stimme uberhaupt nicht zu", "stimme gar nicht zu", "totalmente en desacuerdo",
         "muy en desacuerdo"),
        ("disagree", "somewhat disagree", "pas d'accord", "plutot pas d'accord",
         "stimme nicht zu", "stimme eher nicht zu", "en desacuerdo"),
        ("neither agree nor disagree", "neutral", "ni d'accord ni pas d'accord", "neutre",
         "weder noch", "teils teils", "ni de acuerdo ni en desacuerdo"),
        ("agree", "somewhat agree", "d'accord", "plutot d'accord", "stimme zu",
         "stimme eher zu", "de acuerdo"),
        ("strongly agree", "tout a fait d'accord", "stimme voll und ganz zu", "stimme voll zu",
         "totalmente de acuerdo", "muy de acuerdo"),
    ),
    "ease": _scale(
        ("very difficult", "extremely difficult", "tres difficile", "sehr schwierig",
         "sehr schwer", "muy dificil"),
        ("difficult", "somewhat difficult", "difficile", "plutot difficile", "schwierig",
         "schwer", "dificil"),
        ("neither easy nor difficult", "neutral", "ni facile ni difficile", "neutre",
         "weder leicht noch schwer", "weder einfach noch schwierig", "ni facil ni dificil"),
        ("easy", "somewhat easy", "facile", "plutot facile", "leicht", "einfach", "facil"),
        ("very easy", "extremely easy", "tres facile", "sehr leicht", "sehr einfach",
         "muy facil"),
    ),
    "quality": _scale(
        ("very poor", "terrible", "tres mauvais", "sehr schlecht", "muy malo", "pesimo"),
        ("poor", "bad", "mauvais", "schlecht", "malo"),
        ("fair", "average", "ok", "moyen", "correct", "mittel", "befriedigend", "regular"),
        ("good", "bon", "bien", "gut", "bueno"),
        ("very good", "excellent", "tres bon", "tres bien", "sehr gut", "ausgezeichnet",
         "muy bueno", "excelente"),
    ),
    "likelihood": _scale(
        ("very unlikely", "extremely unlikely", "tres peu probable", "sehr unwahrscheinlich",
         "muy improbable"),
        ("unlikely", "somewhat unlikely", "peu probable", "unwahrscheinlich", "improbable"),
        ("neither likely nor unlikely", "neutral", "neutre", "weder noch", "ni probable ni "
         "improbable"),
        ("likely", "somewhat likely", "probable", "wahrscheinlich"),
        ("very likely", "extremely likely", "tres probable", "sehr wahrscheinlich",
         "muy probable"),
    ),
}

YES_NO: dict[str, int] = {
    **dict.fromkeys(map(label_key, ("yes", "y", "true", "oui", "ja", "si", "sí", "vrai",
                                    "wahr", "verdadero")), 1),
    **dict.fromkeys(map(label_key, ("no", "n", "false", "non", "nein", "faux", "falsch",
                                    "falso")), 0),
}

#: Answers that mean the question did not apply (stored as no value, never as a score).
NOT_APPLICABLE: frozenset[str] = frozenset(map(label_key, (
    "n/a", "na", "not applicable", "does not apply", "doesn't apply", "don't know",
    "dont know", "do not know", "no opinion", "prefer not to say", "sans objet",
    "non applicable", "non concerne", "ne sais pas", "nsp", "sans avis", "nicht zutreffend",
    "trifft nicht zu", "weiss nicht", "keine angabe", "k.a", "no aplica", "no se", "ns/nc",
    "no sabe", "sin opinion")))


def match_scale(labels: Iterable[str]) -> tuple[str, dict[str, int]] | None:
    """(scale name, label -> value for the given labels) when one scale of :data:`SCALES`
    covers every label (after :func:`label_key`); None otherwise. Needs two labels or more."""
    keys = {label: label_key(label) for label in labels}
    if len(set(keys.values())) < 2:
        return None
    for name, scale in SCALES.items():
        if all(k in scale for k in keys.values()):
            return name, {label: scale[k] for label, k in keys.items()}
    return None


def is_yes_no(labels: Iterable[str]) -> dict[str, int] | None:
    """label -> 1/0 when every label is a yes or a no word (and both occur); else None."""
    keys = {label: label_key(label) for label in labels}
    if not keys or not all(k in YES_NO for k in keys.values()):
        return None
    values = {label: YES_NO[k] for label, k in keys.items()}
    return values if set(values.values()) == {0, 1} else None


def is_not_applicable(label: str) -> bool:
    """True for an answer meaning "not applicable" / "don't know" in one of the languages."""
    return label_key(label) in NOT_APPLICABLE
