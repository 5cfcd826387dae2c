"""``python -m mwlib.reproduce``: run the notebooks (the engine is :mod:`mwlib.repro.runner`)."""

import sys

from mwlib.repro.runner import main

if __name__ == "__main__":
    sys.exit(main())
