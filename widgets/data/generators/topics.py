"""The topic classification data set (lesson 08), in the public AG News CSV layout.

Short news items in four topics, in AG News's class order: 1 World, 2 Sports, 3 Business,
4 Sci/Tech. Most items pair a main event of the true topic with a subordinate event of another
topic ("after ...", "while ...", "despite reports that ..."), before or after the main clause,
in the title and in the description alike. A bag of words sees both topics' words equally
often; only the order says which event is the subordinate one, so an LSTM beats a
bag-of-embeddings model (lesson 08).

Lessons: 08.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from .common import (
    ag_news_tokens,
    chance,
    columns_markdown,
    pick,
    split_by_group,
    train_first,
)

SEED = 8
FILE_NAMES = {"train": "topics_train.csv", "test": "topics_test.csv"}
HEADER = ("class", "title", "description")
CLASS_NAMES = ("World", "Sports", "Business", "Sci/Tech")  # classes 1, 2, 3, 4
# Per topic: subjects (description form, title form), predicates (past tense, title form).
SUBJECTS = (
    (("the president", "President"), ("the prime minister", "Prime Minister"),
     ("the foreign minister", "Foreign Minister"), ("the rebel leader", "Rebel Leader"),
     ("the peace envoy", "Peace Envoy"), ("the opposition party", "Opposition")),
    (("the striker", "Striker"), ("the home team", "Home Team"), ("the captain", "Captain"),
     ("the champion", "Champion"), ("the goalkeeper", "Goalkeeper"), ("the coach", "Coach")),
    (("the central bank", "Central Bank"), ("the oil company", "Oil Company"),
     ("the retailer", "Retailer"), ("the carmaker", "Carmaker"), ("the airline", "Airline"),
     ("the insurer", "Insurer")),
    (("the space agency", "Space Agency"), ("the software maker", "Software Maker"),
     ("the research team", "Research Team"), ("the chip maker", "Chip Maker"),
     ("the robotics lab", "Robotics Lab"), ("the tech giant", "Tech Giant")),
)
PREDICATES = (
    (("signed a peace deal", "Signs Peace Deal"), ("held talks with rebels", "Holds Talks"),
     ("called for a ceasefire", "Calls for Ceasefire"), ("won the election", "Wins Election"),
     ("condemned the attack", "Condemns Attack"), ("visited the refugee camp", "Visits Camp"),
     ("sent troops to the border", "Sends Troops"), ("urged new sanctions", "Urges Sanctions")),
    (("won the cup final", "Wins Cup Final"), ("scored twice", "Scores Twice"),
     ("lost the semifinal", "Loses Semifinal"), ("broke the world record", "Breaks Record"),
     ("beat the league leaders", "Beats Leaders"), ("reached the playoffs", "Reaches Playoffs"),
     ("signed a new contract", "Signs New Contract"), ("won the title", "Wins Title")),
    (("issued a profit warning", "Issues Profit Warning"),
     ("reported record profits", "Reports Profits"),
     ("cut two thousand jobs", "Cuts Jobs"), ("bought a rival firm", "Buys Rival"),
     ("missed profit forecasts", "Misses Forecasts"), ("raised its prices", "Raises Prices"),
     ("agreed to a merger", "Agrees to Merger"), ("paid a bigger dividend", "Pays Dividend")),
    (("launched a new probe", "Launches Probe"), ("found water on mars", "Finds Water on Mars"),
     ("released a security patch", "Releases Patch"), ("unveiled a faster chip",
     "Unveils Faster Chip"), ("discovered a new planet", "Discovers Planet"),
     ("fixed a browser flaw", "Fixes Browser Flaw"), ("tested a walking robot", "Tests Robot"),
     ("warned of a computer virus", "Warns of Virus")),
)
DESCRIPTION_LINKS = ("after", "as", "while", "before", "although", "despite reports that")
TITLE_LINKS = {"after": "After", "as": "As", "while": "While", "before": "Before",
               "although": "Though", "despite reports that": "Though"}  # headline words
WHEN = ("on Monday", "on Sunday", "this week", "last night")
NUM_ROWS = 4000
TEST_FRACTION = 0.2
MIXED = 0.6  # fraction of items with a subordinate event of another topic
MAX_TOKENS = 30  # title and description together, as widgets.data.loaders tokenizes them
COLUMNS = (
    ("class", "1 = World, 2 = Sports, 3 = Business, 4 = Sci/Tech (AG News order)"),
    ("title", "a headline"),
    ("description", "one sentence"),
)

Event = tuple[int, tuple[str, str], tuple[str, str]]  # (topic, subject, predicate)


def _random_event(rng: np.random.Generator, topic: int) -> Event:
    """A subject and a predicate of the topic (0 World ... 3 Sci/Tech)."""
    return (topic, pick(rng, SUBJECTS[topic]), pick(rng, PREDICATES[topic]))


def clause(event: Event, title: bool) -> str:
    """"the striker scored twice" (description) or "Striker Scores Twice" (title)."""
    index = 1 if title else 0
    return f"{event[1][index]} {event[2][index]}"


def join(main: str, sub: str, link: str, sub_first: bool) -> str:
    """The main clause with a subordinate clause introduced by ``link``, in either order."""
    if sub_first:
        return f"{link} {sub}, {main}"
    return f"{main} {link} {sub}"


def item(rng: np.random.Generator, topic: int) -> tuple[str, str]:
    """(title, description) of one news item whose main event is of the given topic."""
    main = _random_event(rng, topic)
    when = f" {pick(rng, WHEN)}" if chance(rng, 0.5) else ""
    if not chance(rng, MIXED):
        other = _random_event(rng, topic)
        text = clause(main, False) + when
        if chance(rng, 0.5):
            text = f"{text} and {clause(other, False)}"
        return clause(main, True), _sentence(text)
    sub = _random_event(rng, pick(rng, [t for t in range(4) if t != topic]))
    link = pick(rng, DESCRIPTION_LINKS)
    title = join(clause(main, True), clause(sub, True), TITLE_LINKS[link], chance(rng, 0.5))
    text = join(clause(main, False) + when, clause(sub, False), link, chance(rng, 0.5))
    return title, _sentence(text)


def generate(seed: int = SEED) -> list[tuple[str, int, str, str]]:
    """Rows (split, class 1-4, title, description), train rows first; no text in both."""
    rng = np.random.default_rng(seed)
    items: dict[tuple[str, str], int] = {}
    while len(items) < NUM_ROWS:
        topic = int(rng.integers(4))
        title, description = item(rng, topic)
        if len(ag_news_tokens(title, description)) <= MAX_TOKENS:
            items.setdefault((title, description), topic + 1)
    keys = list(items)
    splits = split_by_group(keys, TEST_FRACTION, rng)
    rows = [(split, items[key], *key) for split, key in zip(splits, keys, strict=True)]
    return train_first(rows)


def _csv_text(rows: list[tuple[int, str, str]]) -> str:
    """AG News style CSV text (every field quoted, "\\n" line ends) with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def build(seed: int = SEED) -> dict[str, str]:
    """{file name: file text} for the train and the test file."""
    rows = generate(seed)
    return {name: _csv_text([row[1:] for row in rows if row[0] == split])
            for split, name in FILE_NAMES.items()}


def describe() -> str:
    """The markdown body of this data set's section in data/README.md."""
    return (
        "Short news items for the lesson 08 capstone, in the public AG News CSV layout "
        "(`class,title,description`, every field quoted) with one header row, which AG News's "
        "own files do not have; `widgets.load_ag_news_csv` reads both. Classes in AG "
        "News order. Most items pair a main event of the true topic with a subordinate event "
        'of another topic ("after ...", "while ...", "despite reports that ..."), so for them '
        "only the word order tells the topic. The train and test files share no item. No AG "
        "News text is included: to try the real AG News, place its CSV files in data/ yourself "
        "and read them with `load_ag_news_csv` (AG News has its own terms of use, not this "
        "license).\n\n"
        f"Provenance: generated by `widgets/data/generators/topics.py` from a hand-written "
        f"grammar, "
        f"seed {SEED}.\n\nColumns (of both files):\n\n{columns_markdown(COLUMNS)}"
    )


def _sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop."""
    return text[0].upper() + text[1:] + "."
