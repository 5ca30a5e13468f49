"""Pure rules of omnistock: no I/O, no clock, no database — the standard library only."""
