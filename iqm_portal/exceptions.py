"""The one domain exception that services raise."""


class ApplicationError(Exception):
    """A business rule refused an operation; ``code`` is machine-readable, ``message`` is for people.

    ``status`` is the HTTP status an API answers with; ``field`` names the form field the message belongs
    beside, when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int = 400,
        field: str | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.field = field
        self.extra = extra or {}
