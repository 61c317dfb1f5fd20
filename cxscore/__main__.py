"""Allow ``python -m cxscore``."""
from .entry import main

main()
