"""Reading what agencies send: mapping files, tables, numbers, periods, uploads, personal data."""
