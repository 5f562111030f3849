"""Why `python -m devstack up` gives up: a message for the person at the terminal."""


class StackError(Exception):
    """Starting or running the stack failed; the message says what to do about it."""
