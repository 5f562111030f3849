"""How a send can fail; the class decides between retry, failed and unknown (at most once)."""


class DeliveryError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotSentRetryable(DeliveryError):
    """Provably nothing went out (refused connection, 4xx before or at DATA, 429/5xx answer): safe to try again."""


class Rejected(DeliveryError):
    """The provider refused this message for good (bad address, 5xx): failed, never retried."""


class Ambiguous(DeliveryError):
    """The provider may have accepted it (connection lost during DATA, read timeout): recorded as unknown."""
