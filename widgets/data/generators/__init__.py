"""Seeded, hand-written grammars for the committed data sets (``python -m
widgets.data.make_data`` runs them): ``negation``, ``agreement`` and ``topics``, with the
pieces they share in ``common``.

Lessons: 01, 03, 05, 08.
"""
