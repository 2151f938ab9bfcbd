"""The rules of the mechanism, pure Python: the workflow table, replay of a case's actions into
its state (derive), who may do what (authorize), registration checks, the working-day calendar,
numbering, the config model and the schemas. No git, no clock, no terminal; imports only
``disputectl.errors`` and ``disputectl.resources`` from outside this package."""
