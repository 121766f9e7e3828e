"""Assets derived from the loaded sources."""
