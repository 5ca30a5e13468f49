"""Use cases: handlers that load state through a unit of work, call the domain, and save."""
