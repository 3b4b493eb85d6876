"""``python -m guarantor`` runs the command line."""

from guarantor.cli import main

main()
