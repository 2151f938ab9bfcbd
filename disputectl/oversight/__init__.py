"""Oversight: due lists and 督办, statistics, the ledger export and the HTML report — reading
many cases at once. Imports the record and the rules, never documents, services or the CLI."""
