"""Allow ``python -m cxscore``."""
from .cli import main

main()
