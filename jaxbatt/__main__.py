"""`python -m jaxbatt` is the `jaxbatt` command."""
import sys

from jaxbatt.cli import main

sys.exit(main())
