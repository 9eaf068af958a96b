"""Frequent words and phrases in survey comments: a starting point for themes.

Words are counted once per comment (how many comments use them), after lower-casing. Stop
words (articles, pronouns, auxiliaries and the like) of English, French, German and Spanish
are left out; the language is the one whose stop words the texts use most, unless given.
Phrases (n-grams of 2 or 3 words) may have stop words inside ("délai d'attente") but never at
either end. Nothing is downloaded and nothing is guessed: every term shown is in the texts.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_STOP_TEXT = {
    "en": """a about above after again against all am an and any are as at be because been
        before being below between both but by can could did do does doing down during each
        few for from further had has have having he her here hers herself him himself his how
        i if in into is it its itself just me more most my myself no nor not now of off on
        once only or other our ours out over own same she should so some such than that the
        their theirs them then there these they this those through to too under until up very
        was we were what when where which while who whom why will with would you your yours
        also get got im ive dont didnt cant wont its thats really one much many even still
        would could us""",
    "fr": """a à au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la
        le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas
        pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l
        m n s t y été être avoir ai as avons avez ont était étaient suis es est sommes êtes
        sont fait faire comme plus très tout tous toute toutes bien aussi si ça cela ceci
        chez donc car encore alors peu trop déjà sans sous entre lors quand rien ni avait""",
    "de": """aber alle allem allen aller alles als also am an ander andere anderem anderen
        auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des dich
        die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen
        einer eines er es etwas euch euer für hab habe haben hat hatte hatten hier hin hinter
        ich ihm ihn ihr ihre im in ins ist ja jede jedem jeden jeder jedes jetzt kann kein
        keine man manche mein meine mich mir mit muss nach nicht nichts noch nun nur ob oder
        ohne sehr sein seine sich sie sind so solche soll sondern sonst über um und uns unser
        unter viel vom von vor war waren warst was weg weil weiter welche wenn wer werde werden
        wie wieder will wir wird wo wollen würde zu zum zur zwar zwischen""",
    "es": """a al algo algunas algunos ante antes como con contra cual cuando de del desde
        donde durante e el ella ellas ellos en entre era erais eran eras eres es esa esas ese
        eso esos esta estaba estado estamos estar este esto estos fue fueron fui ha había han
        has hay he la las le les lo los me mi mis mucho muy más nada ni no nos nosotros o os
        otra otro para pero poco por porque que quien se sea ser si sido sin sobre son su sus
        también tan te tengo tiene todo todos tu tus un una uno unos y ya yo él""",
}
STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(text.split()) for lang, text in _STOP_TEXT.items()}
LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}


def tokens(text: str | None) -> list[str]:
    """The words of ``text``, lower-cased, in order (digits and punctuation dropped; an
    apostrophe inside a word splits it: "d'attente" → "d", "attente")."""
    out: list[str] = []
    for match in _WORD.findall((text or "").lower()):
        out.extend(p for p in re.split(r"['’]", match) if p)
    return out


def detect_language(texts: list[str]) -> str:
    """The language (en, fr, de or es) whose stop words occur most in ``texts``; ``en`` when
    none does."""
    counts = Counter()
    for text in texts:
        for word in tokens(text):
            for lang, stops in STOP_WORDS.items():
                if word in stops:
                    counts[lang] += 1
    return counts.most_common(1)[0][0] if counts else "en"


def frequent_terms(texts: list[str], n: int = 1, top: int = 30,
                   language: str | None = None, min_comments: int = 2) -> dict[str, Any]:
    """The ``top`` words (``n`` = 1) or phrases of ``n`` words (2 or 3) used by the most
    comments, each with how many comments use it and their share.

    Returns ``{"language", "comments", "terms": [{"term", "comments", "share_pct"}]}``; terms
    used by fewer than ``min_comments`` comments are left out; ties by term.
    """
    if n not in (1, 2, 3):
        from cxcore.errors import Problem, ValidationError

        raise ValidationError(Problem("n", "count single words (1) or phrases of 2 or 3 words"))
    lang = language or detect_language(texts[:2000])
    stops = STOP_WORDS.get(lang, frozenset())
    counter: Counter[str] = Counter()
    for text in texts:
        words = tokens(text)
        seen = set()
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if gram[0] in stops or gram[-1] in stops or len(gram[0]) < 2 or len(gram[-1]) < 2:
                continue
            seen.add(" ".join(gram))
        counter.update(seen)
    total = len(texts)
    ranked = sorted(((t, c) for t, c in counter.items() if c >= min_comments),
                    key=lambda tc: (-tc[1], tc[0]))[:top]
    return {"language": lang, "comments": total,
            "terms": [{"term": t, "comments": c, "share_pct": 100.0 * c / total}
                      for t, c in ranked]}
