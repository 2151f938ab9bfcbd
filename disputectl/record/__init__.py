"""The record: case files and their canonical YAML, git (the only code that runs it), the derived
index, the merge driver, sync, verify and doctor, and the opened store (``session``). Imports
only ``disputectl.rules`` and the floor (``errors``, ``resources``)."""
