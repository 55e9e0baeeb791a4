"""The course's data: loaders for the committed data sets in ``data/``, the vocabulary and
padded batches, and the tasks generated on the fly.

- ``loaders``: negation (lessons 01, 03), agreement (lesson 05), topics and AG News (lesson 08).
- ``vocab``, ``batching``: token ids, padding and the bag-of-words cap; batches, accuracy.
- ``tasks``: long-range memory tasks (lessons 04-05). ``tagging``: lesson 07's tagging task.
- ``corpus``: the Python standard-library snapshot of lesson 09, split into files.
- ``generators/``: the seeded grammars that wrote ``data/*.tsv``/``*.csv``;
  ``python -m widgets.data.make_data`` rebuilds them (``--check`` compares).

Lessons: 01, 03, 04, 05, 07, 08, 09.
"""
