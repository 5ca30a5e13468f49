"""``python -m omnistock`` runs the command line."""

from omnistock.entrypoints.cli import main

if __name__ == "__main__":
    main()
