"""``python -m asympt`` runs the command-line interface."""

from asympt.cli.main import main

if __name__ == "__main__":
    main(prog_name="asympt")
