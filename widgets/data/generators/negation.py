"""The negation sentiment data set (lessons 01 and 03), from a hand-written grammar.

A clause is "the <aspect> <verb> [not|never] [intensifier] <adjective>"; its polarity is the
adjective's, flipped by a negator. A contrast sentence joins two clauses of opposite polarity
with "but", and its label follows the clause after "but". Many contrast sentences come with a
partner that has the same bag of words and the opposite label (the clauses swapped, the two
adjectives swapped, or the negator moved to the other clause), so no bag-of-words model can be
right on both: this caps a mean-of-embeddings classifier (lesson 01), while an RNN reading in
order can get them right (lesson 03).

Lessons: 01, 03.
"""

from __future__ import annotations

import numpy as np

from .common import chance, columns_markdown, pick, split_by_group, train_first, tsv_text

SEED = 1
FILE_NAME = "negation.tsv"
HEADER = ("split", "label", "kind", "text")
LABEL_NAMES = ("negative", "positive")
ASPECTS = ("plot", "acting", "music", "ending", "story", "cast", "dialogue", "script", "pacing",
           "soundtrack", "editing", "setting")
VERBS = ("was", "is")
POSITIVE = ("good", "great", "fun", "clever", "moving", "funny", "brilliant", "lovely")
NEGATIVE = ("bad", "dull", "boring", "weak", "awful", "silly", "poor", "messy")
INTENSIFIERS = ("very", "really", "quite", "so")
NEGATORS = ("not", "never")
NUM_PAIRS = 600  # contrast sentences with a same-bag, opposite-label partner (2 rows each)
NUM_UNPAIRED = 300  # contrast sentences without a partner
# As in real reviews, "not" mostly negates a positive adjective ("not good" is common, "not bad"
# rarer): a clause of polarity -1 is negated with probability 0.5, one of polarity +1 with 0.2.
NEGATED = {-1: 0.5, 1: 0.2}
# Single clauses per (polarity, negated), drawn without repeats: the same proportions.
NUM_SINGLE = {(1, False): 600, (1, True): 150, (-1, False): 375, (-1, True): 375}
TEST_FRACTION = 0.2
COLUMNS = (
    ("split", '"train" or "test"; sentences with the same bag of words share a split'),
    ("label", "0 = negative, 1 = positive (a contrast sentence follows its clause after "
     '"but")'),
    ("kind", '"single" (one clause) or "contrast" (two clauses joined by "but")'),
    ("text", "the tokens, lower case, separated by single spaces"),
)

# A clause: (aspect, verb, negator or "", intensifier or "", adjective).
Clause = tuple[str, str, str, str, str]


def _clause_tokens(clause: Clause) -> list[str]:
    """["the", aspect, verb, (negator), (intensifier), adjective]."""
    aspect, verb, negator, intensifier, adjective = clause
    return [word for word in ("the", aspect, verb, negator, intensifier, adjective) if word]


def _clause_polarity(clause: Clause) -> int:
    """+1 (positive) or -1 (negative): the adjective's polarity, flipped by a negator."""
    sign = 1 if clause[4] in POSITIVE else -1
    return -sign if clause[2] else sign


def _sentence_label(clauses: tuple[Clause, ...]) -> int:
    """1 (positive) or 0 (negative): the polarity of the last clause."""
    return int(_clause_polarity(clauses[-1]) > 0)


def _sentence_text(clauses: tuple[Clause, ...]) -> str:
    """The clauses' tokens joined by " but "."""
    return " but ".join(" ".join(_clause_tokens(clause)) for clause in clauses)


def _random_clause(
    rng: np.random.Generator, verb: str, polarity: int, negated: bool, exclude_aspect: str = ""
) -> Clause:
    """A clause with the given polarity (+1 or -1), negated or not, about an aspect other than
    ``exclude_aspect``."""
    aspect = pick(rng, [a for a in ASPECTS if a != exclude_aspect])
    negator = pick(rng, NEGATORS) if negated else ""
    intensifier = pick(rng, INTENSIFIERS) if chance(rng, 0.4) else ""
    adjective_sign = -polarity if negator else polarity
    adjective = pick(rng, POSITIVE if adjective_sign > 0 else NEGATIVE)
    return (aspect, verb, negator, intensifier, adjective)


def _random_contrast(rng: np.random.Generator) -> tuple[Clause, Clause]:
    """Two clauses of opposite polarity about different aspects, with the same verb."""
    verb = pick(rng, VERBS)
    polarity = pick(rng, (-1, 1))
    second = _random_clause(rng, verb, polarity, chance(rng, NEGATED[polarity]))
    first = _random_clause(rng, verb, -polarity, chance(rng, NEGATED[-polarity]), second[0])
    return (first, second)


def _partner(rng: np.random.Generator, clauses: tuple[Clause, Clause]) -> tuple[Clause, Clause]:
    """A contrast sentence with the same bag of words and the opposite label.

    Either the two clauses swap places, or (when both or neither clause is negated) the two
    adjectives swap, or (when exactly one is) the negator moves to the other clause.
    """
    first, second = clauses
    if chance(rng, 0.5):
        return (second, first)
    if bool(first[2]) == bool(second[2]):
        return (first[:4] + (second[4],), second[:4] + (first[4],))
    return (
        (first[0], first[1], second[2], first[3], first[4]),
        (second[0], second[1], first[2], second[3], second[4]),
    )


def generate(seed: int = SEED) -> list[tuple[str, int, str, str]]:
    """Rows (split, label, kind, text): singles, partnered and unpartnered contrasts."""
    rng = np.random.default_rng(seed)
    sentences: dict[str, tuple[int, str]] = {}  # text -> (label, kind), insertion ordered

    def add(group: list[tuple[Clause, ...]]) -> None:
        texts = [_sentence_text(clauses) for clauses in group]
        if len(set(texts)) == len(texts) and not any(text in sentences for text in texts):
            for clauses, text in zip(group, texts, strict=True):
                kind = "single" if len(clauses) == 1 else "contrast"
                sentences[text] = (_sentence_label(clauses), kind)

    wanted = 0
    for (polarity, negated), count in NUM_SINGLE.items():
        wanted += count
        while len(sentences) < wanted:
            add([(_random_clause(rng, pick(rng, VERBS), polarity, negated),)])
    while len(sentences) < wanted + 2 * NUM_PAIRS:
        clauses = _random_contrast(rng)
        add([clauses, _partner(rng, clauses)])
    while len(sentences) < wanted + 2 * NUM_PAIRS + NUM_UNPAIRED:
        add([_random_contrast(rng)])
    texts = list(sentences)
    order = rng.permutation(len(texts))
    texts = [texts[i] for i in order]
    bags = [" ".join(sorted(text.split())) for text in texts]
    splits = split_by_group(bags, TEST_FRACTION, rng)
    rows = [(split, *sentences[text], text) for split, text in zip(splits, texts, strict=True)]
    return train_first(rows)


def build(seed: int = SEED) -> dict[str, str]:
    """{file name: file text} for this data set."""
    return {FILE_NAME: tsv_text(HEADER, generate(seed))}


def describe() -> str:
    """The markdown body of this data set's section in data/README.md."""
    return (
        "Short film reviews for lessons 01 and 03: single clauses (\"the plot was not very "
        'good") and contrast sentences ("the acting was good but the plot was not good") whose '
        'label follows the clause after "but". Many contrast sentences have a partner with the '
        "same bag of words and the opposite label, which caps any bag-of-words classifier "
        "(`widgets.bag_cap`).\n\n"
        f"Provenance: generated by `widgets/data/generators/negation.py` from a hand-written "
        f"grammar, "
        f"seed {SEED}.\n\nColumns:\n\n{columns_markdown(COLUMNS)}"
    )
