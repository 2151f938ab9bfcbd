"""Documents: the notice templates, rendering a notice, issuing it with its number, and the
archive package. Imports the record and the rules, never oversight, services or the CLI."""
