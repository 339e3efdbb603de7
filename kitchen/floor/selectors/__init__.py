"""Reads for the floor. Everything returned is plain JSON values: integer ids
and cents, ISO-8601 UTC times, `{language: text}` for dish names frozen on
order lines."""
