class DomainError(Exception):
    """An error a user can cause. Its message is translated and shown to them.

    Views turn it into a form error or a flash message; it never becomes a 500.
    """

    def __init__(self, message, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)
