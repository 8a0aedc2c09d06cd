"""One router module per URL prefix."""
