"""The quizzes (lesson 00 shows how they work): banks in ``lessons/quizzes/`` in jupyterquiz's
question format, graded as jupyterquiz grades them, with the learner's progress kept outside
the repository.

- ``bank``: load and validate a bank. ``grading``: grade one answer.
- ``store``: the progress file (atomic writes, backups, corrupt files moved aside).
- ``widget``: the `Quiz` widget and `widgets.quiz`. ``progress``: the scores table (lesson 08).

Lessons: 00, 08.
"""
