"""Rule packs from files, listing content from CSV, JSON or Allegro, and the check service."""
