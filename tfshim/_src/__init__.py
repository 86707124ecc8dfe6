"""Private implementation of tfshim. Public modules re-export from here."""
