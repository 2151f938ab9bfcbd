"""Trust: officers' signing keys and the SSH signatures on every commit (git's own format, so
plain ``git verify-commit`` checks them too). Imports only ``disputectl.rules`` and the floor;
the record signs and verifies through it."""
