"""``python -m widgets.site --out DIR``: build the course site (see `widgets.site.build`).

Lessons: none.
"""

import sys

from .build import main

sys.exit(main())
