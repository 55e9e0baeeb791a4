"""The static course site: ``python -m widgets.site --out DIR`` builds, offline, a home page,
one page per executed lesson (math by the packaged MathJax, every widget's static copy, the
quizzes answerable without a kernel) and the benchmark page.

- ``build``: the command, executing the lessons or reusing executed copies.
- ``pages``: one page from a notebook or a Markdown file (nbconvert and the course template).
- ``mathjax``: MathJax from its installed package, and the nbconvert preprocessor that gives an
  exported lesson offline math.
- ``assets/``: the template, the style and the quiz script.

Lessons: 00.
"""
