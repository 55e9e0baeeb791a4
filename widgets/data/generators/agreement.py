"""The number agreement data set (lesson 05), from a hand-written grammar.

Each row is a sentence cut just before its verb ("Alice and Tom , who met the teacher near the
station ,") labelled by the verb that would follow: singular ("is") or plural ("are"). The
subject is a name, two names joined by "and", a singular or plural noun, or two nouns joined
by "and"; between the subject and the verb come prepositional phrases and relative clauses
whose nouns (attractors) often have the opposite number. An LSTM has to raise a "plural" flag
at "and Tom" and keep it across the attractors: the seed lesson's example of cell state flags.

Lessons: 05.
"""

from __future__ import annotations

import numpy as np

from .common import chance, columns_markdown, pick, split_by_group, train_first, tsv_text

SEED = 5
FILE_NAME = "agreement.tsv"
HEADER = ("split", "label", "verb", "subject", "distance", "attractors", "text")
LABEL_NAMES = ("singular", "plural")
VERB_FOR_LABEL = ("is", "are")
NAMES = ("Alice", "Tom", "Maria", "Sam", "Lena", "Omar")
PEOPLE = ("teacher", "doctor", "farmer", "student", "singer", "driver")
ANIMALS = ("dog", "cat", "horse", "bird")
PLACES = ("station", "park", "river", "house", "bridge", "garden")
ADJECTIVES = ("old", "small", "new", "quiet")
PREPOSITIONS = ("near", "behind", "beside")
RELATIVE_VERBS = ("met", "saw", "helped", "followed", "watched", "chased")  # past: no number
MODIFIERS = (  # (pieces between subject and verb, probability)
    ((), 0.08), (("pp",), 0.17), (("rc",), 0.2), (("pp", "pp"), 0.1),
    (("rc", "pp"), 0.25), (("rc", "pp", "pp"), 0.2))
NUM_ROWS = 4000
TEST_FRACTION = 0.2
PERSON = 0.6  # probability that the subject (and its relative clause's object) are people
RC_ATTRACTOR = 0.8  # probability that a relative clause's object has the other number
COLUMNS = (
    ("split", '"train" or "test" (no sentence is in both)'),
    ("label", "0 = singular, 1 = plural: the number of the verb that would follow"),
    ("verb", '"is" or "are", the same information as `label`'),
    ("subject", 'the subject\'s tokens, e.g. "Alice and Tom" or "the dogs"'),
    ("distance", "number of tokens between the subject's last token and the verb"),
    ("attractors", "number of noun phrases between subject and verb whose number differs "
     "from the subject's"),
    ("text", "the sentence up to (not including) the verb, tokens separated by single spaces"),
)


def plural(noun: str) -> str:
    """The plural of one of the grammar's nouns (all regular)."""
    return noun + "s"


def _noun_phrase(rng: np.random.Generator, label: int, nouns: tuple[str, ...]) -> list[str]:
    """A noun phrase of number ``label`` (0 singular, 1 plural) made of ``nouns`` (or of
    names, for PEOPLE): "Alice", "Alice and Tom", "the old dog", "the dogs", "the dog and
    the cat". Subjects and relative-clause objects come from this one function, so a bag of
    words cannot tell which noun phrase is the subject."""
    if nouns is PEOPLE and chance(rng, 0.4):
        first, second = rng.permutation(len(NAMES))[:2]
        return [NAMES[first]] + (["and", NAMES[second]] if label else [])
    if label and nouns is not PLACES and chance(rng, 0.2):
        first, second = rng.permutation(len(nouns))[:2]
        return ["the", nouns[first], "and", "the", nouns[second]]
    adjective = [pick(rng, ADJECTIVES)] if chance(rng, 0.3) else []
    noun = pick(rng, nouns)
    return ["the", *adjective, plural(noun) if label else noun]


def _modifier(
    rng: np.random.Generator, piece: str, subject_label: int, nouns: tuple[str, ...]
) -> tuple[list[str], int]:
    """(tokens, is_attractor) of a prepositional phrase ("pp", about places, either number)
    or a relative clause ("rc", its object of the subject's kind, mostly the other number)."""
    if piece == "pp":
        label = int(rng.integers(2))
        tokens = [pick(rng, PREPOSITIONS), *_noun_phrase(rng, label, PLACES)]
    else:
        label = 1 - subject_label if chance(rng, RC_ATTRACTOR) else subject_label
        pronoun = "who" if nouns is PEOPLE else "that"
        tokens = [pronoun, pick(rng, RELATIVE_VERBS), *_noun_phrase(rng, label, nouns)]
    return tokens, int(label != subject_label)


def _random_row(rng: np.random.Generator) -> tuple[int, str, int, int, str]:
    """(label, subject, distance, attractors, text) for one random sentence prefix."""
    label = int(rng.integers(2))
    nouns = PEOPLE if chance(rng, PERSON) else ANIMALS
    subject = _noun_phrase(rng, label, nouns)
    pieces = MODIFIERS[_weighted(rng, MODIFIERS)][0]
    between, attractors = [], 0
    for piece in pieces:
        tokens, is_attractor = _modifier(rng, piece, label, nouns)
        between += tokens
        attractors += is_attractor
    if pieces[:1] == ("rc",) and nouns is PEOPLE:
        between = [",", *between, ","]  # "who" clauses are set off by commas
    text = " ".join(subject + between)
    return label, " ".join(subject), len(between), attractors, text


def generate(seed: int = SEED) -> list[tuple]:
    """Rows (split, label, verb, subject, distance, attractors, text), train rows first."""
    rng = np.random.default_rng(seed)
    rows: dict[str, tuple] = {}
    while len(rows) < NUM_ROWS:
        label, subject, distance, attractors, text = _random_row(rng)
        rows.setdefault(text, (label, VERB_FOR_LABEL[label], subject, distance, attractors))
    texts = list(rows)
    splits = split_by_group(texts, TEST_FRACTION, rng)
    return train_first(
        [(split, *rows[text], text) for split, text in zip(splits, texts, strict=True)])


def build(seed: int = SEED) -> dict[str, str]:
    """{file name: file text} for this data set."""
    return {FILE_NAME: tsv_text(HEADER, generate(seed))}


def describe() -> str:
    """The markdown body of this data set's section in data/README.md."""
    return (
        "Sentence beginnings for lesson 05, cut just before the verb and labelled by the "
        'number of that verb: "Alice and Tom , who met the teacher near the station ," is '
        'plural ("are"), "the dog that chased the cats" is singular ("is"). Nouns of the other '
        "number (attractors) stand between the subject and the verb.\n\n"
        f"Provenance: generated by `widgets/data/generators/agreement.py` from a hand-written "
        f"grammar, "
        f"seed {SEED}.\n\nColumns:\n\n{columns_markdown(COLUMNS)}"
    )


def _weighted(rng: np.random.Generator, options: tuple[tuple[object, float], ...]) -> int:
    """Index of an option drawn with the given probabilities (which sum to 1)."""
    draw, total = rng.random(), 0.0
    for index, (_, probability) in enumerate(options):
        total += probability
        if draw < total:
            return index
    return len(options) - 1

